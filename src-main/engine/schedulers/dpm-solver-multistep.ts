// DPM-Solver++(2M), the second-order multistep data-prediction solver (Lu et al. 2022, "DPM-Solver++", Alg. 2).
import { betaFields, noiseSchedule } from './betas';
import {
  field,
  flag,
  integer,
  nullable,
  number,
  numberOrInfinity,
  oneOf,
  onlyDefault,
  type ModelSchedulerConfig,
  resolveConfig,
  type ResolvedConfig,
} from './config';
import { interpUnitGrid, roundHalfEven } from './numpy-compat';
import { noiseVp, predictOriginal, predictionField, type VpScale } from './prediction';
import { assertSameLength, assertStepCount, type Scheduler } from './scheduler';
import { karrasSigmas, logSigmas, sigmaToTimestep, trainingSigmas } from './sigmas';
import { StepIndex } from './step-index';
import { dpmSolverTimesteps, spacingField } from './timestep-spacing';

const f32 = Math.fround;
const CLASS = 'DPMSolverMultistepScheduler';

const off = field(onlyDefault(flag, false), false);
export const DPM_SOLVER_CONFIG = {
  ...betaFields(0.0001, 0.02, 'linear'),
  // both forced by the ids: DPM-Solver++ of order 2
  solver_order: field(onlyDefault(integer, 2), 2),
  prediction_type: predictionField('epsilon', 'sample', 'v_prediction'),
  thresholding: off,
  algorithm_type: field(oneOf('dpmsolver++'), 'dpmsolver++'),
  solver_type: field(oneOf('midpoint', 'heun'), 'midpoint'),
  lower_order_final: field(flag, true),
  euler_at_final: field(flag, false),
  use_karras_sigmas: field(flag, false),
  use_exponential_sigmas: off,
  use_beta_sigmas: off,
  use_lu_lambdas: off,
  use_flow_sigmas: off,
  final_sigmas_type: field(oneOf('zero', 'sigma_min'), 'zero'),
  lambda_min_clipped: field(numberOrInfinity, -Infinity),
  variance_type: field(onlyDefault(nullable(oneOf('learned', 'learned_range')), null), null),
  timestep_spacing: spacingField('linspace'),
  steps_offset: field(integer, 0),
  rescale_betas_zero_snr: field(flag, false),
  // not parameters of this class, but from_config keeps a model config's extra keys and the Karras conversion reads them
  sigma_min: field(nullable(number), null),
  sigma_max: field(nullable(number), null),
};
export type DpmSolverConfig = ResolvedConfig<typeof DPM_SOLVER_CONFIG>;

/** Both ids run the 2M solver; only the Karras σ spacing differs. */
export function resolveDpmSolverConfig(modelConfig: ModelSchedulerConfig, karras: boolean): DpmSolverConfig {
  return resolveConfig(CLASS, DPM_SOLVER_CONFIG, modelConfig, {
    algorithm_type: 'dpmsolver++',
    solver_order: 2,
    use_karras_sigmas: karras,
  });
}

export function dpmSolverAlphasCumprod(config: DpmSolverConfig): Float32Array {
  return noiseSchedule(CLASS, config, {
    rescaleZeroTerminalSnr: config.rescale_betas_zero_snr,
    terminalAlphaFloor: true,
  });
}

/** _sigma_to_alpha_sigma_t: α = 1/√(σ²+1) (a float32 reciprocal), σ_t = σ·α. */
function vpFromSigma(sigma: number): VpScale {
  const alpha = f32(1 / f32(Math.sqrt(f32(f32(sigma * sigma) + 1))));
  return { alpha, sigma: f32(sigma * alpha) };
}

/** λ = log α − log σ, the half log-SNR the solver steps in (−∞ at σ = 0 gives an exact final x̂₀). */
function lambdaOf({ alpha, sigma }: VpScale): number {
  return f32(f32(Math.log(alpha)) - f32(Math.log(sigma)));
}

export function createDpmSolver(config: DpmSolverConfig, alphasCumprod: Float32Array): Scheduler {
  const total = config.num_train_timesteps;
  const baseSigmas = trainingSigmas(alphasCumprod);
  const index = new StepIndex(CLASS, 'last');
  let timesteps: number[] = [];
  let sigmas = new Float32Array(0);
  let previousOutput: Float32Array | undefined;
  let lowerOrderNums = 0;

  function lastTimestep(): number {
    if (config.lambda_min_clipped === -Infinity) return total;
    // torch.searchsorted over the ascending flipped λ_t: how many λ lie below the clip
    const lambdas = alphasCumprod.map((a) =>
      f32(f32(Math.log(f32(Math.sqrt(a)))) - f32(Math.log(f32(Math.sqrt(f32(1 - a)))))),
    );
    return total - lambdas.filter((l) => l < config.lambda_min_clipped).length;
  }

  function setTimesteps(n: number): void {
    assertStepCount(CLASS, n, total);
    let ts = dpmSolverTimesteps(n, lastTimestep(), {
      spacing: config.timestep_spacing,
      numTrainTimesteps: total,
      stepsOffset: config.steps_offset,
    });
    let levels: number[];
    if (config.use_karras_sigmas) {
      levels = karrasSigmas(config.sigma_min ?? baseSigmas[0], config.sigma_max ?? baseSigmas[total - 1], n);
      const logs = logSigmas(baseSigmas);
      ts = levels.map((sigma) => sigmaToTimestep(sigma, logs));
      // rounded except for the cosine schedule, then cast to int64 (truncation), as diffusers does
      ts = ts.map((t) => Math.trunc(config.beta_schedule === 'squaredcos_cap_v2' ? t : roundHalfEven(t)));
    } else {
      levels = ts.map((t) => interpUnitGrid(t, baseSigmas));
    }
    sigmas = Float32Array.from([...levels, config.final_sigmas_type === 'sigma_min' ? baseSigmas[0] : 0]);
    timesteps = ts;
    previousOutput = undefined;
    lowerOrderNums = 0;
    index.reset();
  }

  /** One solver step from σ_s0 = sigmas[i] to σ_t = sigmas[i+1], first order or 2M (midpoint / Heun). */
  function update(i: number, x0: Float32Array, sample: Float32Array, secondOrder: boolean): Float32Array {
    const t = vpFromSigma(sigmas[i + 1]);
    const s0 = vpFromSigma(sigmas[i]);
    const h = f32(lambdaOf(t) - lambdaOf(s0));
    const sampleScale = f32(t.sigma / s0.sigma);
    const d0Scale = f32(t.alpha * f32(f32(Math.exp(-h)) - 1));
    if (!secondOrder) return sample.map((x, k) => f32(sampleScale * x) - f32(d0Scale * x0[k]));
    const s1 = vpFromSigma(sigmas[i - 1]);
    const r0 = f32(f32(lambdaOf(s0) - lambdaOf(s1)) / h);
    const inverseR0 = f32(1 / r0);
    const m1 = previousOutput!;
    const d1 = x0.map((m0, k) => inverseR0 * f32(m0 - m1[k]));
    if (config.solver_type === 'midpoint') {
      const d1Scale = f32(0.5 * d0Scale);
      return sample.map((x, k) => f32(f32(sampleScale * x) - f32(d0Scale * x0[k])) - f32(d1Scale * d1[k]));
    }
    const d1Scale = f32(t.alpha * f32(f32(f32(f32(Math.exp(-h)) - 1) / h) + 1));
    return sample.map((x, k) => f32(f32(sampleScale * x) - f32(d0Scale * x0[k])) + f32(d1Scale * d1[k]));
  }

  return {
    id: config.use_karras_sigmas ? 'dpmpp-2m-karras' : 'dpmpp-2m',
    order: 1,
    initNoiseSigma: 1,
    get timesteps() {
      return timesteps;
    },
    get sigmas() {
      return sigmas;
    },
    setTimesteps,
    setBeginIndex: (beginIndex) => index.setBegin(beginIndex),
    scaleModelInput: (sample) => sample,
    step(modelOutput, timestep, sample) {
      if (timesteps.length === 0) throw new Error(`${CLASS}: call setTimesteps before step`);
      assertSameLength(CLASS, modelOutput, sample);
      const i = index.current(timestep, timesteps);
      const steps = timesteps.length;
      const lowerOrderFinal =
        i === steps - 1 &&
        (config.euler_at_final || (config.lower_order_final && steps < 15) || config.final_sigmas_type === 'zero');
      const x0 = predictOriginal(config.prediction_type, modelOutput, sample, vpFromSigma(sigmas[i]));
      const prev = update(i, x0, sample, lowerOrderNums >= 1 && !lowerOrderFinal);
      previousOutput = x0;
      lowerOrderNums = Math.min(lowerOrderNums + 1, 2);
      index.advance();
      return prev;
    },
    addNoise(original, noise, timestep) {
      assertSameLength(CLASS, original, noise);
      return noiseVp(original, noise, vpFromSigma(sigmas[index.forAddNoise(timestep, timesteps)]));
    },
  };
}
