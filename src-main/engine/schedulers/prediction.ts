// Reading a model's ε-, v- (Salimans & Ho 2022, "Progressive Distillation", §4) or x₀-prediction, in diffusers' float32 order.
import { field, oneOf } from './config';

const f32 = Math.fround;

export type PredictionType = 'epsilon' | 'v_prediction' | 'sample';

/** The prediction types a class accepts; anything else fails when the scheduler is built, not at step 1. */
export function predictionField<T extends string>(...accepted: T[]) {
  return field(oneOf<T>(...accepted), accepted[0]);
}

/**
 * Variance-preserving view x_t = α·x₀ + σ·ε, where diffusers' ᾱ-based classes use α = √ᾱ_t, σ = √(1−ᾱ_t) and
 * DPM-Solver uses α = 1/√(σ_k²+1), σ = σ_k·α. `alpha` and `sigma` are float32 scalars.
 */
export interface VpScale {
  readonly alpha: number;
  readonly sigma: number;
}

export function vpScale(alphaCumprod: number): VpScale {
  return { alpha: Math.fround(Math.sqrt(alphaCumprod)), sigma: Math.fround(Math.sqrt(f32(1 - alphaCumprod))) };
}

/** x̂₀ from the model output. */
export function predictOriginal(
  type: PredictionType,
  modelOutput: Float32Array,
  sample: Float32Array,
  { alpha, sigma }: VpScale,
): Float32Array {
  switch (type) {
    case 'epsilon':
      return sample.map((x, i) => f32(x - f32(sigma * modelOutput[i])) / alpha);
    case 'v_prediction':
      return sample.map((x, i) => f32(alpha * x) - f32(sigma * modelOutput[i]));
    case 'sample':
      return modelOutput.slice();
  }
}

/** ε̂ from the model output; `original` is the x̂₀ the scheduler already holds (used for x₀-prediction). */
export function predictEpsilon(
  type: PredictionType,
  modelOutput: Float32Array,
  sample: Float32Array,
  { alpha, sigma }: VpScale,
  original: Float32Array = modelOutput,
): Float32Array {
  switch (type) {
    case 'epsilon':
      return modelOutput.slice();
    case 'v_prediction':
      return modelOutput.map((v, i) => f32(alpha * v) + f32(sigma * sample[i]));
    case 'sample':
      return sample.map((x, i) => f32(x - f32(alpha * original[i])) / sigma);
  }
}

/** The k-diffusion samplers' model input x/√(σ²+1): the UNet expects unit-variance latents. */
export function scaleVeInput(sample: Float32Array, sigma: number): Float32Array {
  const divisor = f32(Math.sqrt(f32(f32(sigma * sigma) + 1)));
  return sample.map((x) => x / divisor);
}

/**
 * Variance-exploding view of the k-diffusion samplers (Euler): x = x₀ + σ·ε on the unscaled latents, the model
 * having seen `scaleVeInput(x, σ)`.
 */
export function predictDenoised(
  type: PredictionType,
  modelOutput: Float32Array,
  sample: Float32Array,
  sigma: number,
): Float32Array {
  switch (type) {
    case 'epsilon':
      return sample.map((x, i) => x - f32(sigma * modelOutput[i]));
    case 'v_prediction': {
      const sigmaSquaredPlusOne = f32(f32(sigma * sigma) + 1);
      const outputScale = f32(-sigma / f32(Math.sqrt(sigmaSquaredPlusOne)));
      return sample.map((x, i) => f32(modelOutput[i] * outputScale) + f32(x / sigmaSquaredPlusOne));
    }
    case 'sample':
      return modelOutput.slice();
  }
}

/** The forward process q(x_t | x₀) in the variance-preserving view: α·x₀ + σ·ε. */
export function noiseVp(original: Float32Array, noise: Float32Array, { alpha, sigma }: VpScale): Float32Array {
  return original.map((x, i) => f32(alpha * x) + f32(sigma * noise[i]));
}

/** The same in the variance-exploding view: x₀ + σ·ε. */
export function noiseVe(original: Float32Array, noise: Float32Array, sigma: number): Float32Array {
  return original.map((x, i) => x + f32(noise[i] * sigma));
}
