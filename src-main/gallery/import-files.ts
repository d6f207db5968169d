// Import of PNGs made by this studio, A1111, InvokeAI, ComfyUI or Fooocus: each file is copied into the gallery
// (bytes untouched, so its own metadata stays with it) and indexed from its dialect. Duplicates (same bytes) are
// skipped; a file that is not a readable PNG is reported and the rest carry on.
import { readdir, readFile, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { ImportSummary } from '../shared/gallery';
import { fileOf, type GalleryContext } from './context';
import { writeFileAtomic } from '../fs/write-file-atomic';
import { importedImagePath, thumbPathFor } from './image-files';
import { describeFile } from './index-file';
import { hasPngSignature, sha256 } from './png';

export interface ImportSource {
  /** Shown in reports: a path relative to the imported folder, or the name the renderer sent. */
  name: string;
  read(): Promise<Uint8Array>;
  /** When the file was last changed (ms): its best guess of when it was made. */
  modified?: number;
}

export async function importSources(ctx: GalleryContext, sources: ImportSource[]): Promise<ImportSummary> {
  const summary: ImportSummary = { imported: 0, skipped: 0, failed: [], ids: [] };
  for (const source of sources) {
    try {
      const bytes = await source.read();
      if (!hasPngSignature(bytes)) throw new Error('not a PNG file');
      if (ctx.store.idByFileHash(sha256(bytes)) !== undefined) {
        summary.skipped++;
        continue;
      }
      summary.ids.push(importOne(ctx, source, bytes));
      summary.imported++;
    } catch (error) {
      summary.failed.push({ file: source.name, error: (error as Error).message });
    }
  }
  return summary;
}

function importOne(ctx: GalleryContext, source: ImportSource, bytes: Uint8Array): number {
  const created = source.modified ?? Date.now();
  const target = importedImagePath(new Date(created), source.name, randomBytes(4).toString('hex'));
  try {
    // Described (decoded) first: a damaged or oversized file is refused before any of its bytes are written.
    const row = describeFile(ctx, target, bytes, { created, ownFile: false });
    writeFileAtomic(fileOf(ctx, target), bytes);
    return ctx.db.transaction(() => ctx.store.insert(row)).immediate();
  } catch (error) {
    rmSync(fileOf(ctx, target), { force: true });
    rmSync(fileOf(ctx, thumbPathFor(target)), { force: true });
    throw error;
  }
}

/** Every *.png under `dir`, recursively, in a stable order. */
export async function folderSources(dir: string): Promise<ImportSource[]> {
  const root = path.resolve(dir);
  const info = await stat(root).catch(() => null);
  if (!info?.isDirectory()) throw new Error(`${dir}: not a folder`);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && /\.png$/i.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  return Promise.all(
    files.map(async (file) => ({
      name: path.relative(root, file),
      modified: (await stat(file)).mtimeMs,
      read: async () => new Uint8Array(await readFile(file)),
    })),
  );
}
