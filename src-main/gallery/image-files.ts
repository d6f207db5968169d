// Image files are the source of truth: each is written whole (temp file, fsync, rename) or not at all.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Temp files end so: the startup check removes what a crash left behind. */
export const tempSuffix = '.tmp';

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

/** `gallery/YYYY-MM/YYYYMMDD-HHMMSS-<seed>-<index>.png`, relative to the data directory. */
export function newImagePath(created: Date, seed: bigint | string, index: number, unique: string): string {
  return `${monthFolder(created)}/${stamp(created)}-${seed}-${index}-${unique}.png`;
}

/** `gallery/YYYY-MM/YYYYMMDD-HHMMSS-<name>-<unique>.png` for an imported file, its own name kept readable. */
export function importedImagePath(created: Date, originalName: string, unique: string): string {
  const base = path
    .basename(originalName, path.extname(originalName))
    .replace(/[^\p{L}\p{N}_-]+/gu, '_')
    .slice(0, 60);
  return `${monthFolder(created)}/${stamp(created)}-${base || 'image'}-${unique}.png`;
}

export const galleryFolder = 'gallery';
/** Stored copies of img2img init images, named by their content. */
export const initFolder = `${galleryFolder}/inits`;
export const thumbSuffix = '.thumb.png';

/** The 256-px thumbnail sits next to its image. */
export function thumbPathFor(imagePath: string): string {
  return imagePath.replace(/\.png$/i, '') + thumbSuffix;
}

function monthFolder(created: Date): string {
  return `${galleryFolder}/${created.toISOString().slice(0, 7)}`;
}

function stamp(created: Date): string {
  return created.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}
