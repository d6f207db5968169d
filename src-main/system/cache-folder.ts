// The data directory's cache/ (optimised graphs, provider timings, preview projections): measured and emptied as a
// whole, since everything in it can be made again.
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CacheReport } from '../shared/settings';

export async function measureCache(cacheDir: string): Promise<CacheReport> {
  const entries = await readdir(cacheDir, { withFileTypes: true, recursive: true }).catch(() => []);
  let bytes = 0;
  let files = 0;
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const info = await stat(path.join(entry.parentPath, entry.name)).catch(() => null);
    if (!info) continue;
    bytes += info.size;
    files += 1;
  }
  return { bytes, files };
}

/** Empties cache/ (the folder itself stays) and reports what was freed. */
export async function clearCache(cacheDir: string): Promise<CacheReport> {
  const before = await measureCache(cacheDir);
  const entries = await readdir(cacheDir).catch(() => []);
  await Promise.all(entries.map((name) => rm(path.join(cacheDir, name), { recursive: true, force: true })));
  return before;
}
