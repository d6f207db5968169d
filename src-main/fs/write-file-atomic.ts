// Files that are a source of truth are written whole (temp file, fsync, rename) or not at all.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Temp files end so: a startup check can remove what a crash left behind. */
export const tempSuffix = '.tmp';

/** `durable: false` skips the fsyncs (still atomic against readers, not against power loss). */
export function writeFileAtomic(file: string, bytes: Uint8Array, options: { durable?: boolean } = {}): void {
  const durable = options.durable ?? true;
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}${tempSuffix}`;
  const fd = openSync(temp, 'w');
  try {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    if (durable) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, file);
  if (durable) syncDirectory(path.dirname(file));
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
