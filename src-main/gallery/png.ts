// The PNG format as the gallery uses it: the studio's neutral PNG modules (the same bytes the CLI writes) plus the
// gallery's own provenance chunk.
import { createHash } from 'node:crypto';
import { encode } from 'fast-png';
import type { ResolvedSettings } from '../engine';
import { insertAfterHeader, PngLimitError, readTextChunks, textChunk } from '../formats/png/png-chunks';
import { decodePngRgb, encodePngWithMetadata, type RgbImage } from '../formats/png/png-metadata';
import { galleryChunk, galleryInfoJson, type GalleryInfo } from './metadata/studio';

export { decodePngRgb, type RgbImage };
export { hasPngSignature } from '../formats/png/png-chunks';

/** A result PNG: the engine's `parameters` + `studio` chunks, and the gallery's provenance chunk. */
export function studioPng(image: RgbImage, settings: ResolvedSettings, index: number, info: GalleryInfo): Uint8Array {
  return insertAfterHeader(encodePngWithMetadata(image, settings, index), [
    textChunk(galleryChunk, galleryInfoJson(info)),
  ]);
}

/** A PNG without metadata: the stored copy of an init image. */
export function plainPng(image: RgbImage): Uint8Array {
  return encode({ width: image.width, height: image.height, data: image.rgb, channels: 3, depth: 8 });
}

/** Every text chunk; a file whose chunks cannot be walked has none, one whose text is a zip bomb is refused. */
export function textChunksOf(bytes: Uint8Array): Record<string, string> {
  try {
    return readTextChunks(bytes);
  } catch (error) {
    if (error instanceof PngLimitError) throw error;
    return {};
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Identifies an image by its pixels, whatever PNG bytes carry them. */
export function pixelHash(image: RgbImage): string {
  return createHash('sha256').update(`${image.width}x${image.height}:`).update(image.rgb).digest('hex').slice(0, 32);
}

/** RGB or RGBA rows → RGB (alpha dropped, as PIL's convert('RGB') and the engine do). */
export function toRgb(image: { width: number; height: number; data: Uint8Array }): RgbImage {
  const pixels = image.width * image.height;
  if (image.data.length === pixels * 3) return { width: image.width, height: image.height, rgb: image.data };
  const rgb = new Uint8Array(pixels * 3);
  if (image.data.length === pixels) {
    // Grey levels (a mask): each one three times.
    for (let i = 0; i < pixels; i++) rgb.fill(image.data[i], i * 3, i * 3 + 3);
    return { width: image.width, height: image.height, rgb };
  }
  for (let i = 0; i < pixels; i++) {
    rgb[i * 3] = image.data[i * 4];
    rgb[i * 3 + 1] = image.data[i * 4 + 1];
    rgb[i * 3 + 2] = image.data[i * 4 + 2];
  }
  return { width: image.width, height: image.height, rgb };
}
