// The cheapest step preview: a linear map from the latent channels (+ a bias) to RGB, one colour per latent pixel.
// SD 1.x's map (the factors A1111 ships as "Approx cheap", fitted by Keturn) is the fallback where a model's own
// patch projection (patch-projection.ts, preview-projection.ts) cannot be fitted, and the preview of last resort.
import type { PreviewImage } from './engine-types';

/** Rows: one per latent channel, then the bias; columns: R, G, B on a 0–1 scale. */
export type LatentProjection = number[][];

export const SD1_PROJECTION: LatentProjection = [
  [0.149, 0.1035, 0.104],
  [0.0935, 0.143, 0.0865],
  [-0.079, 0.0945, 0.132],
  [-0.092, -0.1355, -0.2365],
  [0.5, 0.5, 0.5],
];

/**
 * Batch item `index` of latents [n, C, h, w] → an h×w RGB image through `projection`. Channels the projection has
 * no row for are ignored.
 */
export function latentPreview(
  latents: Float32Array,
  dims: readonly number[],
  projection: LatentProjection = SD1_PROJECTION,
  index = 0,
): PreviewImage {
  const [, channels, height, width] = dims;
  const plane = height * width;
  const base = index * channels * plane;
  const used = Math.min(channels, projection.length - 1);
  const bias = projection[projection.length - 1];
  const rgb = new Uint8Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let k = 0; k < 3; k++) {
      let value = bias[k];
      for (let c = 0; c < used; c++) value += latents[base + c * plane + p] * projection[c][k];
      rgb[p * 3 + k] = Math.round(Math.min(1, Math.max(0, value)) * 255);
    }
  }
  return { width, height, rgb };
}
