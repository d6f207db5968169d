// Where the gallery's image files live under the data directory, and how they are named.
import path from 'node:path';

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
