// Euler's method on the probability-flow ODE (Karras et al. 2022, "Elucidating the Design Space", Alg. 2 without churn).
import { betaFields, noiseSchedule } from './betas';
import {
  field,
  flag,
  integer,
  nullable,
  number,
  oneOf,
  onlyDefault,
  type ModelSchedulerConfig,
  resolveConfig,
  type ResolvedConfig,
} from './config';
import { interpUnitGrid } from './numpy-compat';
import { noiseVe, predictDenoised, predictionField, scaleVeInput, type PredictionType } from './prediction';
import { assertSameLength, assertStepCount, type Scheduler } from './scheduler';
import { eulerInitNoiseSigma, karrasSigmas, logSigmas, sigmaToTimestep, trainingSigmas } from './sigmas';
import { StepIndex } from './step-index';
import { spacedTimesteps, spacingField } from './timestep-spacing';

const f32 = Math.fround;
const CLASS = 'EulerDiscreteScheduler';

export const EULER_CONFIG = {
  ...betaFields(0.0001, 0.02, 'linear'),
  prediction_type: predictionField('epsilon', 'v_prediction', 'sample', 'original_sample'),
  interpolation_type: field(onlyDefault(oneOf('linear', 'log_linear'), 'linear'), 'linear'),
  use_karras_sigmas: field(flag, false),
  use_exponential_sigmas: field(onlyDefault(flag, false), false),
  use_beta_sigmas: field(onlyDefault(flag, false), false),
  sigma_min: field(nullable(number), null),
  sigma_max: field(nullable(number), null),
  timestep_spacing: spacingField('linspace'),
  timestep_type: field(oneOf('discrete', 'continuous'), 'discrete'),
  steps_offset: field(integer, 0),
  rescale_betas_zero_snr: field(flag, false),
  final_sigmas_type: field(oneOf('zero', 'sigma_min'), 'zero'),
};
export type EulerConfig = ResolvedConfig<typeof EULER_CONFIG>;

export function resolveEulerConfig(modelConfig: ModelSchedulerConfig): EulerConfig {
  const config = resolveConfig(CLASS, EULER_CONFIG, modelConfig);
  if (config.timestep_type === 'continuous' && config.prediction_type === 'v_prediction') {
    throw new Error(`${CLASS}: timestep_type "continuous" with v_prediction is not supported by this engine`);
  }
  return config;
}

export function eulerAlphasCumprod(config: EulerConfig): Float32Array {
  return noiseSchedule(CLASS, config, {
    rescaleZeroTerminalSnr: config.rescale_betas_zero_snr,
    terminalAlphaFloor: true,
  });
}

export function createEuler(config: EulerConfig, alphasCumprod: Float32Array): Scheduler {
  const total = config.num_train_timesteps;
  const prediction: PredictionType = config.prediction_type === 'original_sample' ? 'sample' : config.prediction_type;
  const baseSigmas = trainingSigmas(alphasCumprod);
  const index = new StepIndex(CLASS, 'throw');
  // before set_timesteps diffusers holds every training timestep, descending, and σ = 0 after the last
  let timesteps = Array.from({ length: total }, (_, i) => total - 1 - i);
  let sigmas = Float32Array.from([...baseSigmas.slice().reverse(), 0]);

  function setTimesteps(n: number): void {
    assertStepCount(CLASS, n, total);
    let ts = spacedTimesteps(n, {
      spacing: config.timestep_spacing,
      numTrainTimesteps: total,
      stepsOffset: config.steps_offset,
      linspaceValues: 'float32',
    });
    let levels = ts.map((t) => interpUnitGrid(t, baseSigmas));
    if (config.use_karras_sigmas) {
      levels = karrasSigmas(config.sigma_min ?? levels.at(-1)!, config.sigma_max ?? levels[0], n);
      const logs = logSigmas(baseSigmas);
      ts = levels.map((sigma) => sigmaToTimestep(sigma, logs));
    }
    sigmas = Float32Array.from([...levels, config.final_sigmas_type === 'sigma_min' ? baseSigmas[0] : 0]);
    timesteps = ts.map(f32);
    index.reset();
  }

  return {
    id: 'euler',
    order: 1,
    get initNoiseSigma() {
      return eulerInitNoiseSigma(sigmas, config.timestep_spacing);
    },
    get timesteps() {
      return timesteps;
    },
    get sigmas() {
      return sigmas;
    },
    setTimesteps,
    setBeginIndex: (beginIndex) => index.setBegin(beginIndex),
    scaleModelInput: (sample, timestep) => scaleVeInput(sample, sigmas[index.current(timestep, timesteps)]),
    step(modelOutput, timestep, sample) {
      assertSameLength(CLASS, modelOutput, sample);
      const i = index.current(timestep, timesteps);
      // s_churn = 0: γ = 0, so σ̂ = σ·(γ+1) = σ and no noise is added
      const sigma = sigmas[i];
      const denoised = predictDenoised(prediction, modelOutput, sample, sigma);
      const dt = f32(sigmas[i + 1] - sigma);
      index.advance();
      return sample.map((x, k) => x + f32(f32(f32(x - denoised[k]) / sigma) * dt));
    },
    addNoise(original, noise, timestep) {
      assertSameLength(CLASS, original, noise);
      return noiseVe(original, noise, sigmas[index.forAddNoise(timestep, timesteps)]);
    },
  };
}
