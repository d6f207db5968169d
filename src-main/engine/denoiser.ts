// The model as the sampler sees it: one UNet call per step, with classifier-free guidance (Ho & Salimans 2022)
// ε = ε_u + g·(ε_c − ε_u) in diffusers' order of float32 operations.
import type { UNet } from './adapters/unet';
import { appendChannels } from './inpaint-conditioning';

const f32 = Math.fround;

export interface DenoiserInput {
  unet: UNet;
  /** [uncond × batch, cond × batch] when guiding, [cond × batch] otherwise; each row 77 × hidden. */
  context: Float32Array;
  contextDims: readonly number[];
  guidance: number;
  batch: number;
  /** Latent dims of one batch: [batch, C, h, w]. */
  latentDims: readonly number[];
  /** An inpainting UNet's extra channels (mask ‖ masked-image latents, Cc × h × w), appended to every row after
   * scaling (inpaint-conditioning.ts). */
  conditioning?: Float32Array;
}

export type Denoiser = (scaledLatents: Float32Array, timestep: number) => Promise<Float32Array>;

/** diffusers' rule: guide only when g > 1, and never a guidance-distilled UNet (it takes g as `timestep_cond`). */
export function usesGuidance(guidance: number, unet: UNet): boolean {
  return guidance > 1 && unet.timestepCondSize === null;
}

export function createDenoiser(input: DenoiserInput): Denoiser {
  const { unet, context, contextDims, guidance, batch, latentDims, conditioning } = input;
  const guided = usesGuidance(guidance, unet);
  const size = latentDims.reduce((a, b) => a * b, 1);
  const timestepCond =
    unet.timestepCondSize === null ? undefined : guidanceEmbedding(guidance - 1, unet.timestepCondSize, batch);
  const g = f32(guidance);
  return async (scaled, timestep) => {
    // Both halves of the guidance batch go through the UNet in one call, as diffusers' torch.cat([latents] * 2).
    let sample = guided ? new Float32Array(2 * size) : scaled;
    if (guided) {
      sample.set(scaled, 0);
      sample.set(scaled, size);
    }
    const rows = guided ? 2 * latentDims[0] : latentDims[0];
    const [, channels, h, w] = latentDims;
    let dims = [rows, channels, h, w];
    if (conditioning) {
      sample = appendChannels(sample, rows, conditioning);
      dims = [rows, channels + conditioning.length / (h * w), h, w];
    }
    const output = await unet.predict({ sample, dims, timestep, context, contextDims, timestepCond });
    if (!guided) return output;
    const result = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const uncond = output[i];
      result[i] = f32(uncond + f32(g * f32(output[size + i] - uncond)));
    }
    return result;
  };
}

/** diffusers' `get_guidance_scale_embedding(w)`: sinusoidal features of 1000·w, [sin ‖ cos], one row per image. */
export function guidanceEmbedding(w: number, dim: number, batch: number): Float32Array {
  const half = Math.floor(dim / 2);
  const scale = f32(f32(Math.log(10000)) / (half - 1));
  const row = new Float32Array(dim);
  const scaledW = f32(w * 1000);
  for (let i = 0; i < half; i++) {
    const angle = f32(scaledW * f32(Math.exp(f32(i * -scale))));
    row[i] = Math.sin(angle);
    row[half + i] = Math.cos(angle);
  }
  const out = new Float32Array(dim * batch);
  for (let b = 0; b < batch; b++) out.set(row, b * dim);
  return out;
}
