// Test support: everything a gallery holds (rows of every table, every file with its bytes' hash), to prove that a
// refused operation changed nothing.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { StudioDb } from '../database';

export function gallerySnapshot(db: StudioDb, dataDir: string): { rows: unknown; files: Record<string, string> } {
  const tables = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all()
    .map((t) => t.name);
  const rows = Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}"`).all()]));
  const files: Record<string, string> = {};
  const root = path.join(dataDir, 'gallery');
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isDirectory()) continue;
    const file = path.join(entry.parentPath, entry.name);
    // A leftover link or temp file counts as a change too.
    files[path.relative(dataDir, file)] = entry.isFile()
      ? createHash('sha256').update(readFileSync(file)).digest('hex')
      : 'not a file';
  }
  return { rows, files };
}
