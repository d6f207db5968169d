// DDIM, deterministic (η = 0) denoising diffusion implicit models (Song, Meng & Ermon 2021, eq. 12).
import { alphaCumprodAt, betaFields, noiseSchedule } from './betas';
import {
  field,
  flag,
  integer,
  number,
  onlyDefault,
  type ModelSchedulerConfig,
  resolveConfig,
  type ResolvedConfig,
} from './config';
import { noiseVp, predictEpsilon, predictOriginal, predictionField, vpScale } from './prediction';
import { assertSameLength, assertStepCount, type Scheduler } from './scheduler';
import { spacedTimesteps, spacingField } from './timestep-spacing';

const f32 = Math.fround;
const CLASS = 'DDIMScheduler';

export const DDIM_CONFIG = {
  ...betaFields(0.0001, 0.02, 'linear'),
  clip_sample: field(flag, true),
  clip_sample_range: field(number, 1),
  set_alpha_to_one: field(flag, true),
  steps_offset: field(integer, 0),
  prediction_type: predictionField('epsilon', 'sample', 'v_prediction'),
  thresholding: field(onlyDefault(flag, false), false),
  timestep_spacing: spacingField('leading'),
  rescale_betas_zero_snr: field(flag, false),
};
export type DdimConfig = ResolvedConfig<typeof DDIM_CONFIG>;

export function resolveDdimConfig(modelConfig: ModelSchedulerConfig): DdimConfig {
  return resolveConfig(CLASS, DDIM_CONFIG, modelConfig);
}

export function ddimAlphasCumprod(config: DdimConfig): Float32Array {
  return noiseSchedule(CLASS, config, {
    rescaleZeroTerminalSnr: config.rescale_betas_zero_snr,
    terminalAlphaFloor: false,
  });
}

/** η is fixed at 0 (the pipelines' default), so DDIM never draws noise. */
export function createDdim(config: DdimConfig, alphasCumprod: Float32Array): Scheduler {
  const total = config.num_train_timesteps;
  const finalAlphaCumprod = config.set_alpha_to_one ? 1 : alphasCumprod[0];
  const clipRange = f32(config.clip_sample_range);
  let timesteps: number[] = [];
  let numInferenceSteps = 0;

  return {
    id: 'ddim',
    order: 1,
    initNoiseSigma: 1,
    get timesteps() {
      return timesteps;
    },
    setTimesteps(n) {
      assertStepCount(CLASS, n, total);
      numInferenceSteps = n;
      timesteps = spacedTimesteps(n, {
        spacing: config.timestep_spacing,
        numTrainTimesteps: total,
        stepsOffset: config.steps_offset,
        linspaceValues: 'rounded',
      });
    },
    scaleModelInput: (sample) => sample,
    step(modelOutput, timestep, sample) {
      if (numInferenceSteps === 0) throw new Error(`${CLASS}: call setTimesteps before step`);
      assertSameLength(CLASS, modelOutput, sample);
      const prevTimestep = timestep - Math.floor(total / numInferenceSteps);
      const alphaT = alphaCumprodAt(CLASS, alphasCumprod, timestep);
      const alphaPrev = prevTimestep >= 0 ? alphaCumprodAt(CLASS, alphasCumprod, prevTimestep) : finalAlphaCumprod;
      const scale = vpScale(alphaT);
      let original = predictOriginal(config.prediction_type, modelOutput, sample, scale);
      const epsilon = predictEpsilon(config.prediction_type, modelOutput, sample, scale, original);
      if (config.clip_sample) original = original.map((x) => Math.min(Math.max(x, -clipRange), clipRange));
      // eq. (12) with σ_t = 0: √ᾱ_prev·x̂₀ + √(1−ᾱ_prev)·ε̂
      const direction = f32(Math.sqrt(f32(1 - alphaPrev)));
      const sqrtAlphaPrev = f32(Math.sqrt(alphaPrev));
      return original.map((x, i) => f32(sqrtAlphaPrev * x) + f32(direction * epsilon[i]));
    },
    addNoise(original, noise, timestep) {
      assertSameLength(CLASS, original, noise);
      return noiseVp(original, noise, vpScale(alphaCumprodAt(CLASS, alphasCumprod, timestep)));
    },
  };
}
