// Deleted concepts wait in `concepts/trash/` (the file and its row as JSON) until restored or emptied: a delete in
// the UI can be undone, also after a restart, and no schema change is needed for it.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StoredConcept } from './concept-rows';

export function conceptTrash(dataDir: string) {
  const folder = path.join(dataDir, 'concepts', 'trash');
  const rowFile = (id: string) => path.join(folder, `${id}.json`);
  const inTrash = (file: string) => path.join(folder, path.basename(file));
  const inLibrary = (file: string) => path.join(dataDir, ...file.split('/'));

  return {
    /** Moves the concept's file into the trash and keeps its row beside it. */
    put(concept: StoredConcept): void {
      mkdirSync(folder, { recursive: true });
      if (existsSync(inLibrary(concept.file))) renameSync(inLibrary(concept.file), inTrash(concept.file));
      writeFileSync(rowFile(concept.id), JSON.stringify(concept));
    },
    /** The trashed row, or null when the id is not in the trash. */
    get(id: string): StoredConcept | null {
      try {
        return JSON.parse(readFileSync(rowFile(id), 'utf8')) as StoredConcept;
      } catch {
        return null;
      }
    },
    /** Moves the file back to the library and forgets the trashed row. */
    take(concept: StoredConcept): void {
      if (existsSync(inTrash(concept.file))) renameSync(inTrash(concept.file), inLibrary(concept.file));
      rmSync(rowFile(concept.id), { force: true });
    },
    /** Removes a trashed concept for good (also when it is imported again: the library holds the new copy). */
    drop(id: string): void {
      const row = this.get(id);
      if (row) rmSync(inTrash(row.file), { force: true });
      rmSync(rowFile(id), { force: true });
    },
    list(): StoredConcept[] {
      if (!existsSync(folder)) return [];
      return readdirSync(folder)
        .filter((name) => /^[0-9a-f]{64}\.json$/.test(name))
        .map((name) => this.get(name.slice(0, 64)))
        .filter((row): row is StoredConcept => row !== null);
    },
  };
}
