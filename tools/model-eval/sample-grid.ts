// The model card's sample grid: a few prompts that show what the caption language can say, a few seeds each.
import { encode } from 'fast-png';
import type { RgbImage } from './shape-analysis';

/** One grid column per prompt; together they use every part of the grammar, and a held-out combination. */
export const GRID_PROMPTS = [
  'a red circle',
  'a blue square at the top left',
  'a green triangle on a yellow background',
  'a large purple star',
  'a small orange ring at the bottom right',
  'a yellow star and a blue ring',
  'a pink square at the bottom',
  'a black circle on a white background',
  'a white triangle at the center on a gray background',
  'a purple triangle',
] as const;
export const GRID_SEEDS = [0, 1, 2, 3];
const GAP = 2;

/** Lays images out row by row with white gaps between them. */
export function composeGrid(images: RgbImage[], columns: number, gap = GAP): RgbImage {
  const { width: w, height: h } = images[0];
  const rows = Math.ceil(images.length / columns);
  const width = columns * w + (columns - 1) * gap;
  const height = rows * h + (rows - 1) * gap;
  const rgb = new Uint8Array(width * height * 3).fill(255);
  images.forEach((image, i) => {
    if (image.width !== w || image.height !== h) throw new Error('composeGrid: images differ in size');
    const [x0, y0] = [(i % columns) * (w + gap), Math.floor(i / columns) * (h + gap)];
    for (let y = 0; y < h; y++) {
      rgb.set(image.rgb.subarray(y * w * 3, (y + 1) * w * 3), ((y0 + y) * width + x0) * 3);
    }
  });
  return { rgb, width, height };
}

export function encodeGridPng(grid: RgbImage): Uint8Array {
  return encode({ width: grid.width, height: grid.height, data: grid.rgb, channels: 3, depth: 8 });
}
