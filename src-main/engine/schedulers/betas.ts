// Noise schedules of DDPM (Ho et al. 2020), the cosine schedule (Nichol & Dhariwal 2021) and zero terminal SNR (Lin et al. 2023).
import { field, integer, nullable, number, numberList, oneOf } from './config';

const f32 = Math.fround;

export type BetaSchedule = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';

export interface BetaConfig {
  readonly num_train_timesteps: number;
  readonly beta_start: number;
  readonly beta_end: number;
  readonly beta_schedule: BetaSchedule;
  readonly trained_betas: number[] | null;
}

/** The beta fields every scheduler class declares, with that class's defaults. */
export function betaFields(start: number, end: number, schedule: BetaSchedule) {
  return {
    num_train_timesteps: field(integer, 1000),
    beta_start: field(number, start),
    beta_end: field(number, end),
    beta_schedule: field(oneOf<BetaSchedule>('linear', 'scaled_linear', 'squaredcos_cap_v2'), schedule),
    trained_betas: field(nullable(numberList), null),
  };
}

/**
 * torch.linspace(start, end, steps, dtype=float32) as torch 2's CPU kernel computes it: the first half counts up
 * from start, the second half down from end, each value one fused multiply-add (GCC contracts the expression in
 * the AVX2 build). Doubles hold every product exactly here, so one rounding to float32 is that FMA.
 */
export function torchLinspaceFloat32(start: number, end: number, steps: number): Float32Array {
  const out = new Float32Array(steps);
  const first = f32(start);
  const last = f32(end);
  if (steps === 1) {
    out[0] = first;
    return out;
  }
  const step = f32(f32(last - first) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) {
    out[i] = i < halfway ? first + step * i : last - step * (steps - i - 1);
  }
  return out;
}

/** betas_for_alpha_bar with the cosine alpha-bar, in double as diffusers' Python loop, then float32. */
function cosineBetas(count: number, maxBeta = 0.999): Float32Array {
  const alphaBar = (t: number) => {
    const c = Math.cos((((t + 0.008) / 1.008) * Math.PI) / 2);
    return c * c;
  };
  const betas = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    betas[i] = Math.min(1 - alphaBar((i + 1) / count) / alphaBar(i / count), maxBeta);
  }
  return betas;
}

export function computeBetas(className: string, config: BetaConfig): Float32Array {
  const n = config.num_train_timesteps;
  if (config.trained_betas !== null) {
    if (config.trained_betas.length !== n) {
      throw new Error(`${className}: trained_betas has ${config.trained_betas.length} values, not ${n}`);
    }
    return Float32Array.from(config.trained_betas);
  }
  switch (config.beta_schedule) {
    case 'linear':
      return torchLinspaceFloat32(config.beta_start, config.beta_end, n);
    case 'scaled_linear':
      return torchLinspaceFloat32(Math.sqrt(config.beta_start), Math.sqrt(config.beta_end), n).map((b) => b * b);
    case 'squaredcos_cap_v2':
      return cosineBetas(n);
  }
}

/** torch.cumprod(1 - betas): CPU torch accumulates float32 products in double and rounds each output. */
export function alphasCumprod(betas: Float32Array): Float32Array {
  const out = new Float32Array(betas.length);
  let product = 1;
  for (let i = 0; i < betas.length; i++) {
    product *= f32(1 - betas[i]);
    out[i] = product;
  }
  return out;
}

/** rescale_zero_terminal_snr: shift and scale √ᾱ so the last timestep is pure noise (Lin et al. 2023, Alg. 1). */
export function rescaleZeroTerminalSnr(betas: Float32Array): Float32Array {
  const sqrtBar = alphasCumprod(betas).map(Math.sqrt);
  const first = sqrtBar[0];
  const last = sqrtBar[sqrtBar.length - 1];
  const scale = f32(first / f32(first - last));
  const bar = sqrtBar.map((v) => {
    const shifted = f32(f32(v - last) * scale);
    return shifted * shifted;
  });
  return bar.map((v, i) => 1 - (i === 0 ? v : f32(v / bar[i - 1])));
}

export interface NoiseScheduleOptions {
  readonly rescaleZeroTerminalSnr: boolean;
  /**
   * The sigma-based classes (Euler, Euler ancestral, DPM-Solver) replace ᾱ_T = 0 by 2⁻²⁴ after rescaling, so that
   * σ_T = √((1−ᾱ)/ᾱ) stays finite; the ᾱ-based ones (DDIM, LCM) keep the 0.
   */
  readonly terminalAlphaFloor: boolean;
}

/** alphas_cumprod (ᾱ_t, float32) of a class built from `config`. */
export function noiseSchedule(className: string, config: BetaConfig, options: NoiseScheduleOptions): Float32Array {
  let betas = computeBetas(className, config);
  if (options.rescaleZeroTerminalSnr) betas = rescaleZeroTerminalSnr(betas);
  const cumprod = alphasCumprod(betas);
  if (options.rescaleZeroTerminalSnr && options.terminalAlphaFloor) cumprod[cumprod.length - 1] = 2 ** -24;
  return cumprod;
}

/**
 * ᾱ at an integer training timestep: `alphas_cumprod[t]` in diffusers, where torch's indexing wraps a negative
 * t (trailing spacing can end at −1) to the end of the table.
 */
export function alphaCumprodAt(className: string, alphasCumprod: Float32Array, timestep: number): number {
  const n = alphasCumprod.length;
  if (!Number.isInteger(timestep) || timestep < -n || timestep >= n) {
    throw new RangeError(`${className}: timestep ${timestep} is not one of the ${n} training timesteps`);
  }
  return alphasCumprod[timestep < 0 ? n + timestep : timestep];
}
