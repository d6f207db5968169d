// The gallery's 256-px thumbnails: an area-average downscale (no aliasing shimmer in a grid of small images) to a PNG.
import { encode } from 'fast-png';

export const thumbnailSize = 256;

export interface RgbPixels {
  rgb: Uint8Array;
  width: number;
  height: number;
}

/** Fits the image in 256 × 256 keeping its aspect; a smaller image is kept at its own size. */
export function downscale(image: RgbPixels, size = thumbnailSize): RgbPixels {
  const scale = Math.min(1, size / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  if (width === image.width && height === image.height) return image;
  const out = new Uint8Array(width * height * 3);
  const sx = image.width / width;
  const sy = image.height / height;
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * sy);
    const y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * sx);
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
      let r = 0;
      let g = 0;
      let b = 0;
      for (let yy = y0; yy < y1; yy++) {
        let i = (yy * image.width + x0) * 3;
        for (let xx = x0; xx < x1; xx++, i += 3) {
          r += image.rgb[i];
          g += image.rgb[i + 1];
          b += image.rgb[i + 2];
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (y * width + x) * 3;
      out[o] = Math.round(r / n);
      out[o + 1] = Math.round(g / n);
      out[o + 2] = Math.round(b / n);
    }
  }
  return { rgb: out, width, height };
}

export function thumbnailPng(image: RgbPixels): Uint8Array {
  const small = downscale(image);
  return encode({ width: small.width, height: small.height, data: small.rgb, channels: 3, depth: 8 });
}
