// Inpainting with any model as masked img2img (diffusers' StableDiffusionInpaintPipelineLegacy, A1111's "inpaint
// with any model"): after every scheduler step the kept region of the latents is replaced by the init latents
// noised to the next timestep, and after decoding the kept pixels are pasted back from the init image. (A 9-channel
// inpainting UNet takes inpaint-conditioning.ts's route instead; it shares steps 1, 2 and 4 below.)
//
// The mask, in this order:
// 1. grey levels (white = repaint) from L = (19595·R + 38470·G + 7471·B + 2¹⁵) >> 16, PIL's convert('L');
// 2. "mask blur" (A1111): a Gaussian with σ = blur pixels, truncated at ⌈3σ⌉, edges clamped; m = value / 255;
// 3. latent mask: the mean of m over each f×f block (area average), rounded to 0 or 1 (A1111's np.around), the
//    same for every channel and batch item;
// 4. paste back: out = round(init·(1 − m) + decoded·m) per channel with the blurred m, so pixels further than ⌈3σ⌉
//    from any repainted pixel keep the init image's values exactly.
import type { InitImage } from './engine-types';
import type { Scheduler } from './schedulers/scheduler';

/** A mask of width × height: RGB or RGBA rows (as decoded from a PNG) or one grey byte per pixel. */
export interface MaskImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Grey levels 0 … 255 of a mask, one per pixel (PIL's convert('L'); alpha is ignored). */
export function maskGrey({ width, height, data }: MaskImage): Uint8Array {
  const pixels = width * height;
  const channels = data.length / pixels;
  if (channels === 1) return data.slice();
  const grey = new Uint8Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const o = p * channels;
    grey[p] = (19595 * data[o] + 38470 * data[o + 1] + 7471 * data[o + 2] + 0x8000) >> 16;
  }
  return grey;
}

/** The weights of a Gaussian with σ = radius, truncated at ⌈3σ⌉ and normalised; [1] for radius 0. */
export function gaussianKernel(radius: number): Float64Array {
  if (radius <= 0) return Float64Array.of(1);
  const reach = Math.ceil(3 * radius);
  const kernel = new Float64Array(2 * reach + 1);
  let sum = 0;
  for (let i = -reach; i <= reach; i++) sum += kernel[i + reach] = Math.exp(-(i * i) / (2 * radius * radius));
  return kernel.map((w) => w / sum);
}

/** The repaint weight m ∈ [0, 1] of each pixel: grey / 255, blurred by a separable Gaussian (edges clamped). */
export function blurredMask(grey: Uint8Array, width: number, height: number, radius: number): Float32Array {
  const kernel = gaussianKernel(radius);
  const reach = (kernel.length - 1) / 2;
  const rows = new Float64Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -reach; k <= reach; k++) sum += kernel[k + reach] * grey[y * width + clamp(x + k, width)];
      rows[y * width + x] = sum;
    }
  const mask = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -reach; k <= reach; k++) sum += kernel[k + reach] * rows[clamp(y + k, height) * width + x];
      // A weight that is zero only by rounding error must stay exactly zero, or paste-back would touch kept pixels.
      mask[y * width + x] = sum < 1e-9 ? 0 : Math.min(1, sum / 255);
    }
  return mask;
}

/** Step 3: the area average of m over each f×f block, rounded to 0 (keep) or 1 (repaint). */
export function latentMask(mask: Float32Array, width: number, height: number, factor: number): Float32Array {
  const w = width / factor;
  const h = height / factor;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++)
        for (let dx = 0; dx < factor; dx++) sum += mask[(y * factor + dy) * width + x * factor + dx];
      out[y * w + x] = Math.round(sum / (factor * factor)) === 0 ? 0 : 1;
    }
  return out;
}

/**
 * latents·m + kept·(1 − m), with the h×w mask tiled over channels and batch items; a new array, since a scheduler
 * may hold on to the sample it returned.
 */
export function blendLatents(latents: Float32Array, kept: Float32Array, mask: Float32Array): Float32Array {
  if (latents.length !== kept.length || latents.length % mask.length !== 0) {
    throw new RangeError(`blendLatents: shapes differ (${latents.length}, ${kept.length}, mask ${mask.length})`);
  }
  const out = new Float32Array(latents.length);
  for (let i = 0; i < latents.length; i++) {
    const m = mask[i % mask.length];
    out[i] = Math.fround(Math.fround(kept[i] * (1 - m)) + Math.fround(latents[i] * m));
  }
  return out;
}

/** What the denoising loop needs to keep the unmasked region on the init image's trajectory. */
export interface LatentInpaint {
  /** The init latents before noise (scaled, repeated for the batch). */
  initLatents: Float32Array;
  /** The noise img2img drew for them: the same noise re-noises them at every step. */
  noise: Float32Array;
  /** h × w, 0 = keep, 1 = repaint. */
  mask: Float32Array;
}

/**
 * After step `index` of `timesteps`: the kept region becomes the init latents noised to the next timestep, or the
 * init latents themselves after the last step.
 */
export function keepUnmasked(
  latents: Float32Array,
  index: number,
  timesteps: readonly number[],
  scheduler: Scheduler,
  { initLatents, noise, mask }: LatentInpaint,
): Float32Array {
  const next = timesteps[index + 1];
  const kept = next === undefined ? initLatents : scheduler.addNoise(initLatents, noise, next);
  return blendLatents(latents, kept, mask);
}

/** Step 4: the init image's pixels where m = 0, the decoded ones where m = 1, the rounded blend between. */
export function pasteBack(init: InitImage, decoded: Uint8Array, mask: Float32Array): Uint8Array {
  const pixels = init.width * init.height;
  const channels = init.data.length / pixels;
  const out = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    const m = mask[p];
    for (let c = 0; c < 3; c++) {
      const kept = init.data[p * channels + c];
      const made = decoded[p * 3 + c];
      out[p * 3 + c] = m === 0 ? kept : m === 1 ? made : Math.round(kept * (1 - m) + made * m);
    }
  }
  return out;
}

function clamp(i: number, size: number): number {
  return i < 0 ? 0 : i >= size ? size - 1 : i;
}
