// Export of a selection: each PNG copied as it is (its embedded metadata travels with it) plus manifest.json with the
// records, so another studio or a script can read the whole recipe without parsing PNG chunks.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../shared/errors';
import { fileOf, type GalleryContext } from './context';
import { writeFileAtomic } from '../fs/write-file-atomic';

export interface ExportReport {
  folder: string;
  /** File names written in the folder (manifest.json last). */
  files: string[];
  /** Records whose image file is missing (in the manifest, without a file). */
  missing: number[];
}

export function exportRecords(ctx: GalleryContext, ids: number[], folder: string): ExportReport {
  const rows = ctx.store.rows([...new Set(ids)]);
  if (rows.length !== new Set(ids).size) {
    const found = new Set(rows.map((r) => r.id));
    throw new StudioError('not_found', `Not in the gallery: ${ids.filter((id) => !found.has(id)).join(', ')}`);
  }
  mkdirSync(folder, { recursive: true });
  const files: string[] = [];
  const missing: number[] = [];
  const entries = ctx.store.records(rows).map((record) => {
    const source = fileOf(ctx, record.path);
    if (!existsSync(source)) {
      missing.push(record.id);
      return { ...record, file: null };
    }
    const name = `${record.id}-${path.basename(record.path)}`;
    copyFileSync(source, path.join(folder, name));
    files.push(name);
    return { ...record, file: name };
  });
  const manifest = { format: 'diffusion-studio-export/1', exported: new Date().toISOString(), records: entries };
  writeFileAtomic(
    path.join(folder, 'manifest.json'),
    new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n'),
  );
  files.push('manifest.json');
  return { folder, files, missing };
}
