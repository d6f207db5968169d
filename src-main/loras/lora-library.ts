// The studio's LoRA library: imported files copied into the data directory under their hash, one row each in the
// `loras` table; a job names LoRAs by name (or id) and gets their tensors, parsed once and kept while in use.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { LoraWeights } from '../engine';
import { StudioError } from '../shared/errors';
import type { LoraInfo, LoraUse } from '../shared/loras';
import { readLoraFile, type LoraFile } from './lora-file';
import { loraRows, type StoredLora } from './lora-rows';

export interface LoraLibraryDeps {
  db: Database.Database;
  dataDir: string;
}

export interface LoraLibrary {
  list(): LoraInfo[];
  /** `name`: what prompts call it by; default the file's base name. */
  import(fileName: string, bytes: Uint8Array, options?: { name?: string }): LoraInfo;
  remove(id: string): { deleted: boolean };
  /** A LoRA by id or by name (names are matched without regard to case). */
  find(ref: string): LoraInfo | null;
  /**
   * The tensors of each LoRA at its strength, as the engine takes them: by `hash` (its id) when given and known, else
   * by name; an unknown one is `not_found`.
   */
  weightsFor(uses: readonly (LoraUse & { hash?: string })[]): LoraWeights[];
}

export function createLoraLibrary(deps: LoraLibraryDeps): LoraLibrary {
  const rows = loraRows(deps.db);
  // Parsed files by id; only the last job's set stays (a LoRA's tensors are MBs to hundreds of MBs).
  let parsed = new Map<string, LoraFile>();
  const public_ = ({ file: _file, ...info }: StoredLora): LoraInfo => info;
  const find = (ref: string) => (/^[0-9a-f]{64}$/.test(ref) ? rows.get(ref) : null) ?? rows.byName(ref);

  function fileOf(lora: StoredLora, kept: Map<string, LoraFile>): LoraFile {
    const file =
      parsed.get(lora.id) ??
      readLoraFile(new Uint8Array(readFileSync(path.join(deps.dataDir, ...lora.file.split('/')))), lora.sourceName);
    kept.set(lora.id, file);
    return file;
  }

  return {
    list: () => rows.list().map(public_),

    import(fileName, bytes, options = {}) {
      const file = readLoraFile(bytes, fileName);
      const id = createHash('sha256').update(bytes).digest('hex');
      const existing = rows.get(id);
      if (existing) throw new StudioError('conflict', `${fileName} is already in the library as "${existing.name}"`);
      const name = options.name ?? path.basename(fileName).replace(/\.safetensors$/i, '');
      if (!/^[^\s<>:]{1,100}$/.test(name))
        throw new StudioError(
          'invalid_input',
          `"${name}" cannot call a LoRA in a prompt (no spaces, <, > or :): import it under another name`,
        );
      if (rows.byName(name))
        throw new StudioError('conflict', `the name "${name}" is taken by another LoRA: import it under another name`);
      const relative = `loras/${id}.safetensors`;
      mkdirSync(path.join(deps.dataDir, 'loras'), { recursive: true });
      writeFileSync(path.join(deps.dataDir, ...relative.split('/')), bytes);
      const lora: StoredLora = {
        ...file.summary,
        id,
        name,
        sourceName: path.basename(fileName),
        bytes: bytes.length,
        created: Date.now(),
        file: relative,
      };
      rows.insert(lora);
      return public_(lora);
    },

    remove(id) {
      const lora = rows.get(id);
      if (!lora) return { deleted: false };
      rows.remove(id);
      parsed.delete(id);
      rmSync(path.join(deps.dataDir, ...lora.file.split('/')), { force: true });
      return { deleted: true };
    },

    find: (ref) => {
      const lora = find(ref);
      return lora ? public_(lora) : null;
    },

    weightsFor(uses) {
      const kept = new Map<string, LoraFile>();
      const weights = uses.map(({ name, strength, hash }) => {
        const lora = (hash ? rows.get(hash) : null) ?? find(name);
        if (!lora)
          throw new StudioError('not_found', `no LoRA "${name}" in the library (studio loras list shows them)`);
        const { tensors, metadata } = fileOf(lora, kept);
        return { name: lora.name, hash: lora.id, strength, tensors, metadata };
      });
      parsed = kept;
      return weights;
    },
  };
}
