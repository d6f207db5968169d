// Euler ancestral sampling (k-diffusion's sample_euler_ancestral, after Karras et al. 2022): an Euler step to σ_down, then fresh noise of size σ_up.
import { betaFields, noiseSchedule } from './betas';
import { field, flag, integer, type ModelSchedulerConfig, resolveConfig, type ResolvedConfig } from './config';
import { interpUnitGrid } from './numpy-compat';
import { noiseVe, predictDenoised, predictionField, scaleVeInput } from './prediction';
import { assertSameLength, assertStepCount, type Scheduler } from './scheduler';
import { eulerInitNoiseSigma, trainingSigmas } from './sigmas';
import { StepIndex } from './step-index';
import { spacedTimesteps, spacingField } from './timestep-spacing';

const f32 = Math.fround;
const CLASS = 'EulerAncestralDiscreteScheduler';

export const EULER_ANCESTRAL_CONFIG = {
  ...betaFields(0.0001, 0.02, 'linear'),
  prediction_type: predictionField('epsilon', 'v_prediction'),
  timestep_spacing: spacingField('linspace'),
  steps_offset: field(integer, 0),
  rescale_betas_zero_snr: field(flag, false),
};
export type EulerAncestralConfig = ResolvedConfig<typeof EULER_ANCESTRAL_CONFIG>;

export function resolveEulerAncestralConfig(modelConfig: ModelSchedulerConfig): EulerAncestralConfig {
  return resolveConfig(CLASS, EULER_ANCESTRAL_CONFIG, modelConfig);
}

export function eulerAncestralAlphasCumprod(config: EulerAncestralConfig): Float32Array {
  return noiseSchedule(CLASS, config, {
    rescaleZeroTerminalSnr: config.rescale_betas_zero_snr,
    terminalAlphaFloor: true,
  });
}

export function createEulerAncestral(config: EulerAncestralConfig, alphasCumprod: Float32Array): Scheduler {
  const total = config.num_train_timesteps;
  const baseSigmas = trainingSigmas(alphasCumprod);
  const index = new StepIndex(CLASS, 'throw');
  let timesteps = Array.from({ length: total }, (_, i) => total - 1 - i);
  let sigmas = Float32Array.from([...baseSigmas.slice().reverse(), 0]);

  return {
    id: 'euler-a',
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
    setTimesteps(n) {
      assertStepCount(CLASS, n, total);
      timesteps = spacedTimesteps(n, {
        spacing: config.timestep_spacing,
        numTrainTimesteps: total,
        stepsOffset: config.steps_offset,
        linspaceValues: 'float32',
      });
      sigmas = Float32Array.from([...timesteps.map((t) => interpUnitGrid(t, baseSigmas)), 0]);
      index.reset();
    },
    setBeginIndex: (beginIndex) => index.setBegin(beginIndex),
    scaleModelInput: (sample, timestep) => scaleVeInput(sample, sigmas[index.current(timestep, timesteps)]),
    step(modelOutput, timestep, sample, noise) {
      assertSameLength(CLASS, modelOutput, sample);
      const i = index.current(timestep, timesteps);
      const sigma = sigmas[i];
      const denoised = predictDenoised(config.prediction_type, modelOutput, sample, sigma);
      const from2 = f32(sigma * sigma);
      const to2 = f32(sigmas[i + 1] * sigmas[i + 1]);
      const sigmaUp = f32(Math.sqrt(f32(f32(to2 * f32(from2 - to2)) / from2)));
      const sigmaDown = f32(Math.sqrt(f32(to2 - f32(sigmaUp * sigmaUp))));
      const dt = f32(sigmaDown - sigma);
      // drawn on every step, the last included (σ_up = 0 there), so later draws line up with diffusers'
      const fresh = noise.randn(sample.length);
      assertSameLength(`${CLASS} noise`, fresh, sample);
      index.advance();
      return sample.map((x, k) => {
        const stepped = f32(x + f32(f32(f32(x - denoised[k]) / sigma) * dt));
        return stepped + f32(fresh[k] * sigmaUp);
      });
    },
    addNoise(original, noise, timestep) {
      assertSameLength(CLASS, original, noise);
      return noiseVe(original, noise, sigmas[index.forAddNoise(timestep, timesteps)]);
    },
  };
}
