// Cheap per-step preview: a fixed linear map from SD 1.x's 4 latent channels to RGB (the factors A1111 ships as
// "Approx cheap", fitted by Keturn), instead of a VAE decode. Close enough for any 4-channel SD model.
import type { PreviewImage } from './engine-types';

const LATENT_TO_RGB = [
  [0.298, 0.207, 0.208],
  [0.187, 0.286, 0.173],
  [-0.158, 0.189, 0.264],
  [-0.184, -0.271, -0.473],
] as const;

/**
 * Batch item `index` of latents [n, C, h, w] → an h×w RGB image (2h×2w with `upscale`, by pixel doubling).
 * Channels past the fourth are ignored; models with fewer get a grey image from what they have.
 */
export function latentPreview(
  latents: Float32Array,
  dims: readonly number[],
  index = 0,
  upscale = false,
): PreviewImage {
  const [, channels, h, w] = dims;
  const plane = h * w;
  const base = index * channels * plane;
  const used = Math.min(channels, LATENT_TO_RGB.length);
  const factor = upscale ? 2 : 1;
  const width = w * factor;
  const height = h * factor;
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const colour = [0, 0, 0];
      for (let c = 0; c < used; c++) {
        const v = latents[base + c * plane + y * w + x];
        for (let k = 0; k < 3; k++) colour[k] += v * LATENT_TO_RGB[c][k];
      }
      for (let dy = 0; dy < factor; dy++) {
        for (let dx = 0; dx < factor; dx++) {
          const o = ((y * factor + dy) * width + x * factor + dx) * 3;
          for (let k = 0; k < 3; k++) rgb[o + k] = Math.round(Math.min(1, Math.max(0, (colour[k] + 1) / 2)) * 255);
        }
      }
    }
  }
  return { width, height, rgb };
}
