// The denoiser's estimate of the clean latents at one step, x̂₀ = (x_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t (Ho et al. 2020, eq. 15;
// v-prediction: x̂₀ = √ᾱ_t·x_t − √(1−ᾱ_t)·v̂, Salimans & Ho 2022). Only the step preview reads it: the schedulers
// keep their own conversion, so computing it here never changes an image.
import type { PredictionType } from './model-folder';
import { predictOriginal, vpScale } from './schedulers/prediction';

/**
 * ᾱ at a UNet timestep. Whole timesteps index the schedule; the fractional ones of the Euler schedules sit between
 * two, where diffusers interpolates σ = √((1−ᾱ)/ᾱ) linearly, so this does too.
 */
export function alphaCumprodAt(alphasCumprod: Float32Array, timestep: number): number {
  const last = alphasCumprod.length - 1;
  const t = Math.min(Math.max(timestep, 0), last);
  const low = Math.floor(t);
  if (low === t) return alphasCumprod[t];
  const sigma = (a: number) => Math.sqrt((1 - a) / a);
  const s = sigma(alphasCumprod[low]) + (t - low) * (sigma(alphasCumprod[low + 1]) - sigma(alphasCumprod[low]));
  return 1 / (1 + s * s);
}

/**
 * x̂₀ from the UNet's input at `timestep` (the scaled model input: x_t on the variance-preserving scale for every
 * scheduler, since the Euler family's input scaling divides by √(σ²+1) = 1/√ᾱ) and its (guided) prediction.
 */
export function predictedOriginal(
  type: PredictionType,
  modelInput: Float32Array,
  modelOutput: Float32Array,
  alphaCumprod: number,
): Float32Array {
  return predictOriginal(type, modelOutput, modelInput, vpScale(alphaCumprod));
}
