// Image files are the source of truth: each is written whole (temp file, fsync, rename) or not at all.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export function writeFileAtomic(file: string, bytes: Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, file);
  syncDirectory(path.dirname(file));
}

/** Makes the rename itself durable; not possible (nor needed) on Windows. */
function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `gallery/YYYY-MM/YYYYMMDD-HHMMSS-<seed>-<index>.png`, relative to the data directory. */
export function newImagePath(created: Date, seed: bigint, index: number, unique: string): string {
  const iso = created.toISOString();
  const month = iso.slice(0, 7);
  const stamp = iso.slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `gallery/${month}/${stamp}-${seed}-${index}-${unique}.png`;
}
