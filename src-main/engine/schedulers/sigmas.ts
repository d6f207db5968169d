// Noise levels σ = √((1−ᾱ)/ᾱ) and the ρ = 7 schedule of Karras et al. 2022 ("Elucidating the Design Space", eq. 5).
import { linspace } from './numpy-compat';

const f32 = Math.fround;

/** σ for every training timestep, ascending in t: torch float32 `((1 - ᾱ) / ᾱ) ** 0.5`. */
export function trainingSigmas(alphasCumprod: Float32Array): Float32Array {
  return alphasCumprod.map((a) => Math.sqrt(f32(f32(1 - a) / a)));
}

/**
 * init_noise_sigma of the Euler classes: σ_max, or √(σ_max²+1) with "leading" spacing, whose first timestep sits
 * below the top of the schedule.
 */
export function eulerInitNoiseSigma(sigmas: Float32Array, spacing: string): number {
  const max = sigmas.reduce((a, b) => Math.max(a, b), -Infinity);
  return spacing === 'leading' ? f32(Math.sqrt(f32(f32(max * max) + 1))) : max;
}

/** np.log of the float32 σ array: the log is rounded to float32 as NumPy returns it. */
export function logSigmas(sigmas: Float32Array): Float32Array {
  return sigmas.map(Math.log);
}

/** σ_i = (σ_max^{1/ρ} + i/(n−1)·(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ, descending, in double as numpy. */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, count: number, rho = 7): number[] {
  const minInvRho = sigmaMin ** (1 / rho);
  const maxInvRho = sigmaMax ** (1 / rho);
  return linspace(0, 1, count).map((ramp) => (maxInvRho + ramp * (minInvRho - maxInvRho)) ** rho);
}

/**
 * diffusers' _sigma_to_t: the fractional training timestep whose log σ interpolates to log `sigma`. NumPy 2's
 * promotion keeps the weight in double, while `low − high` is a float32 difference of two float32 logs.
 */
export function sigmaToTimestep(sigma: number, logSigma: Float32Array): number {
  const target = Math.log(Math.max(sigma, 1e-10));
  // argmax of the cumulative count of log σ_i ≤ target: the last such i, or 0 when there is none
  let count = 0;
  let best = -1;
  let low = 0;
  for (let i = 0; i < logSigma.length; i++) {
    if (target - logSigma[i] >= 0) count++;
    if (count > best) {
      best = count;
      low = i;
    }
  }
  low = Math.min(low, logSigma.length - 2);
  const lowLog = logSigma[low];
  const w = Math.min(Math.max((lowLog - target) / f32(lowLog - logSigma[low + 1]), 0), 1);
  return (1 - w) * low + w * (low + 1);
}
