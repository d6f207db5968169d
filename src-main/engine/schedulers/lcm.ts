// Multistep latent consistency sampling (Luo et al. 2023, "Latent Consistency Models", Alg. 3), as diffusers' LCMScheduler.
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
import { linspace } from './numpy-compat';
import { noiseVp, predictOriginal, predictionField, vpScale } from './prediction';
import { assertSameLength, assertStepCount, type Scheduler } from './scheduler';
import { StepIndex } from './step-index';

const f32 = Math.fround;
const CLASS = 'LCMScheduler';
const SIGMA_DATA_SQUARED = 0.25; // σ_data = 0.5

export const LCM_CONFIG = {
  ...betaFields(0.00085, 0.012, 'scaled_linear'),
  original_inference_steps: field(integer, 50),
  clip_sample: field(flag, false),
  clip_sample_range: field(number, 1),
  set_alpha_to_one: field(flag, true),
  prediction_type: predictionField('epsilon', 'sample', 'v_prediction'),
  thresholding: field(onlyDefault(flag, false), false),
  timestep_scaling: field(number, 10),
  rescale_betas_zero_snr: field(flag, false),
};
export type LcmConfig = ResolvedConfig<typeof LCM_CONFIG>;

export function resolveLcmConfig(modelConfig: ModelSchedulerConfig): LcmConfig {
  return resolveConfig(CLASS, LCM_CONFIG, modelConfig);
}

export function lcmAlphasCumprod(config: LcmConfig): Float32Array {
  return noiseSchedule(CLASS, config, {
    rescaleZeroTerminalSnr: config.rescale_betas_zero_snr,
    terminalAlphaFloor: false,
  });
}

/** The skipping-step subset of the distillation schedule [k−1, 2k−1, …], descending; spacing and offset don't apply. */
function lcmTimesteps(total: number, originalSteps: number, n: number): number[] {
  if (originalSteps > total) {
    throw new RangeError(`${CLASS}: original_inference_steps ${originalSteps} exceeds the ${total} training timesteps`);
  }
  if (n > originalSteps) {
    throw new RangeError(`${CLASS}: ${n} inference steps exceed original_inference_steps (${originalSteps})`);
  }
  const k = Math.floor(total / originalSteps);
  const origin = Array.from({ length: originalSteps }, (_, i) => (originalSteps - i) * k - 1);
  return linspace(0, origin.length, n, false).map((position) => origin[Math.floor(position)]);
}

/**
 * Boundary-condition scalings c_skip = σ_d²/((10t)²+σ_d²), c_out = 10t/√((10t)²+σ_d²) (LCM eq. 9), in float32
 * because diffusers multiplies the int64 timestep tensor by a float.
 */
function boundaryScalings(timestep: number, timestepScaling: number): { skip: number; out: number } {
  const scaled = f32(timestep * timestepScaling);
  const denominator = f32(f32(scaled * scaled) + SIGMA_DATA_SQUARED);
  return { skip: f32(SIGMA_DATA_SQUARED * f32(1 / denominator)), out: f32(scaled / f32(Math.sqrt(denominator))) };
}

export function createLcm(config: LcmConfig, alphasCumprod: Float32Array): Scheduler {
  const total = config.num_train_timesteps;
  const finalAlphaCumprod = config.set_alpha_to_one ? 1 : alphasCumprod[0];
  const clipRange = f32(config.clip_sample_range);
  const index = new StepIndex(CLASS, 'throw');
  let timesteps: number[] = [];
  let numInferenceSteps = 0;

  return {
    id: 'lcm',
    order: 1,
    initNoiseSigma: 1,
    get timesteps() {
      return timesteps;
    },
    setTimesteps(n) {
      assertStepCount(CLASS, n, total);
      timesteps = lcmTimesteps(total, config.original_inference_steps, n);
      numInferenceSteps = n;
      index.reset();
    },
    setBeginIndex: (beginIndex) => index.setBegin(beginIndex),
    scaleModelInput: (sample) => sample,
    step(modelOutput, timestep, sample, noise) {
      if (numInferenceSteps === 0) throw new Error(`${CLASS}: call setTimesteps before step`);
      assertSameLength(CLASS, modelOutput, sample);
      const i = index.current(timestep, timesteps);
      const prevTimestep = i + 1 < timesteps.length ? timesteps[i + 1] : timestep;
      const alphaT = alphaCumprodAt(CLASS, alphasCumprod, timestep);
      const alphaPrev = prevTimestep >= 0 ? alphaCumprodAt(CLASS, alphasCumprod, prevTimestep) : finalAlphaCumprod;
      const { skip, out } = boundaryScalings(timestep, config.timestep_scaling);
      let original = predictOriginal(config.prediction_type, modelOutput, sample, vpScale(alphaT));
      if (config.clip_sample) original = original.map((x) => Math.min(Math.max(x, -clipRange), clipRange));
      const denoised = original.map((x, k) => f32(out * x) + f32(skip * sample[k]));
      index.advance();
      // the last step returns the consistency function's output; every other re-noises it to the next timestep
      if (i === numInferenceSteps - 1) return denoised;
      const fresh = noise.randn(sample.length);
      assertSameLength(`${CLASS} noise`, fresh, sample);
      return noiseVp(denoised, fresh, vpScale(alphaPrev));
    },
    addNoise(original, noise, timestep) {
      assertSameLength(CLASS, original, noise);
      return noiseVp(original, noise, vpScale(alphaCumprodAt(CLASS, alphasCumprod, timestep)));
    },
  };
}
