// A1111's "Inpaint area: Only masked" (modules/masking.py get_crop_region + expand_crop_region, and the overlay of
// processing.py): the blurred mask's bounding box, padded and widened to the generation's aspect ratio, is cut
// out of the init image, repainted at the generation size, scaled back and pasted through the blurred mask. The init
// image (and its mask) may be of any size: the result has the init image's size, the generation size is the crop's.
import type { InitImage } from './engine-types';
import { resizeBilinear, toBytes } from './resample';

/** A rectangle of pixels: x1, y1 inclusive, x2, y2 exclusive (A1111's order). */
export interface CropRegion {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** The bounding box of the pixels with m > 0, or null for an empty mask. */
export function maskBounds(mask: Float32Array, width: number, height: number): CropRegion | null {
  let x1 = width;
  let y1 = height;
  let x2 = 0;
  let y2 = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x] <= 0) continue;
      x1 = Math.min(x1, x);
      y1 = Math.min(y1, y);
      x2 = Math.max(x2, x + 1);
      y2 = Math.max(y2, y + 1);
    }
  return x2 === 0 ? null : { x1, y1, x2, y2 };
}

/** The region grown by `padding` pixels on each side, clamped to the image. */
export function padRegion({ x1, y1, x2, y2 }: CropRegion, padding: number, width: number, height: number) {
  return {
    x1: Math.max(x1 - padding, 0),
    y1: Math.max(y1 - padding, 0),
    x2: Math.min(x2 + padding, width),
    y2: Math.min(y2 + padding, height),
  };
}

/**
 * A1111's expand_crop_region: the region grown along its short side to the aspect ratio of the generation
 * (outWidth × outHeight), shifted back inside the image where it overflows, and clamped as a last resort.
 */
export function expandToAspect(
  region: CropRegion,
  outWidth: number,
  outHeight: number,
  width: number,
  height: number,
): CropRegion {
  const ratio = outWidth / outHeight;
  const grow = (lo: number, hi: number, desired: number, size: number): [number, number] => {
    const diff = Math.trunc(desired - (hi - lo));
    lo -= Math.floor(diff / 2);
    hi += diff - Math.floor(diff / 2);
    if (hi >= size) {
      lo -= hi - size;
      hi = size;
    }
    if (lo < 0) {
      hi -= lo;
      lo = 0;
    }
    return [lo, Math.min(hi, size)];
  };
  let { x1, y1, x2, y2 } = region;
  if ((x2 - x1) / (y2 - y1) > ratio) [y1, y2] = grow(y1, y2, (x2 - x1) / ratio, height);
  else [x1, x2] = grow(x1, x2, (y2 - y1) * ratio, width);
  return { x1, y1, x2, y2 };
}

/** Where "only masked" repaints: null when the mask repaints nothing. */
export function cropRegion(
  mask: Float32Array,
  size: { width: number; height: number },
  padding: number,
  out: { width: number; height: number },
): CropRegion | null {
  const bounds = maskBounds(mask, size.width, size.height);
  if (!bounds) return null;
  const padded = padRegion(bounds, padding, size.width, size.height);
  return expandToAspect(padded, out.width, out.height, size.width, size.height);
}

/** The region of a raster with `channels` values per pixel, resampled to width × height. */
export function cropAndResize(
  data: ArrayLike<number>,
  size: { width: number; height: number },
  region: CropRegion,
  width: number,
  height: number,
): Float32Array {
  const channels = data.length / (size.width * size.height);
  const cw = region.x2 - region.x1;
  const ch = region.y2 - region.y1;
  const crop = new Float32Array(cw * ch * channels);
  for (let y = 0; y < ch; y++)
    for (let i = 0; i < cw * channels; i++)
      crop[y * cw * channels + i] = data[((region.y1 + y) * size.width + region.x1) * channels + i];
  return resizeBilinear({ width: cw, height: ch, channels, data: crop }, width, height);
}

/**
 * The init image with a repainted crop (RGB, `width` × `height`) scaled back into the region and blended in by the
 * blurred full-size mask m, rounded as pasteBack does; with keepDecoded the region takes the scaled crop as is.
 */
export function pasteCrop(
  init: InitImage,
  decoded: { rgb: Uint8Array; width: number; height: number },
  region: CropRegion,
  mask: Float32Array,
  keepDecoded: boolean,
): Uint8Array {
  const pixels = init.width * init.height;
  const channels = init.data.length / pixels;
  const out = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = init.data[p * channels + c];
  const cw = region.x2 - region.x1;
  const ch = region.y2 - region.y1;
  const made = toBytes(
    resizeBilinear({ width: decoded.width, height: decoded.height, channels: 3, data: decoded.rgb }, cw, ch),
  );
  for (let y = 0; y < ch; y++)
    for (let x = 0; x < cw; x++) {
      const p = (region.y1 + y) * init.width + region.x1 + x;
      const m = keepDecoded ? 1 : mask[p];
      if (m === 0) continue;
      for (let c = 0; c < 3; c++) {
        const repainted = made[(y * cw + x) * 3 + c];
        out[p * 3 + c] = m === 1 ? repainted : Math.round(out[p * 3 + c] * (1 - m) + repainted * m);
      }
    }
  return out;
}
