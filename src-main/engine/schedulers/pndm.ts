// PLMS, the pseudo linear multistep method of PNDM (Liu et al. 2022, "Pseudo Numerical Methods for Diffusion Models on Manifolds"), Runge–Kutta warm-up skipped.
import { alphaCumprodAt, betaFields, noiseSchedule } from './betas';
import {
  field,
  flag,
  integer,
  onlyDefault,
  type ModelSchedulerConfig,
  resolveConfig,
  type ResolvedConfig,
} from './config';
import { noiseVp, predictEpsilon, predictionField, vpScale } from './prediction';
import { assertSameLength, assertStepCount, type Scheduler } from './scheduler';
import { spacedTimesteps, spacingField } from './timestep-spacing';

const f32 = Math.fround;
const CLASS = 'PNDMScheduler';

export const PNDM_CONFIG = {
  ...betaFields(0.0001, 0.02, 'linear'),
  // the engine implements the PLMS-only variant (N+1 UNet calls); `pndm` forces this on
  skip_prk_steps: field(onlyDefault(flag, true), true),
  set_alpha_to_one: field(flag, false),
  prediction_type: predictionField('epsilon', 'v_prediction'),
  timestep_spacing: spacingField('leading'),
  steps_offset: field(integer, 0),
};
export type PndmConfig = ResolvedConfig<typeof PNDM_CONFIG>;

export function resolvePndmConfig(modelConfig: ModelSchedulerConfig): PndmConfig {
  return resolveConfig(CLASS, PNDM_CONFIG, modelConfig, { skip_prk_steps: true });
}

/** PNDM has no zero-terminal-SNR option. */
export function pndmAlphasCumprod(config: PndmConfig): Float32Array {
  return noiseSchedule(CLASS, config, { rescaleZeroTerminalSnr: false, terminalAlphaFloor: false });
}

export function createPndm(config: PndmConfig, alphasCumprod: Float32Array): Scheduler {
  const total = config.num_train_timesteps;
  const finalAlphaCumprod = config.set_alpha_to_one ? 1 : alphasCumprod[0];
  let timesteps: number[] = [];
  let numInferenceSteps = 0;
  let ets: Float32Array[] = [];
  let counter = 0;
  let curSample: Float32Array | undefined;

  /** PNDM eq. (9): x_{t−δ} from x_t and the combined model output (read as ε), with ᾱ at both ends. */
  function previousSample(sample: Float32Array, t: number, prevT: number, modelOutput: Float32Array): Float32Array {
    const alphaT = alphaCumprodAt(CLASS, alphasCumprod, t);
    const alphaPrev = prevT >= 0 ? alphaCumprodAt(CLASS, alphasCumprod, prevT) : finalAlphaCumprod;
    const betaT = f32(1 - alphaT);
    const betaPrev = f32(1 - alphaPrev);
    const eps = predictEpsilon(config.prediction_type, modelOutput, sample, vpScale(alphaT));
    const sampleCoeff = f32(Math.sqrt(f32(alphaPrev / alphaT)));
    const denominator = f32(
      f32(alphaT * f32(Math.sqrt(betaPrev))) + f32(Math.sqrt(f32(f32(alphaT * betaT) * alphaPrev))),
    );
    const alphaDiff = f32(alphaPrev - alphaT);
    return sample.map((x, i) => f32(sampleCoeff * x) - f32(f32(alphaDiff * eps[i]) / denominator));
  }

  /** The Adams–Bashforth combination of the last 1–4 ε's, in diffusers' operation order. */
  function combine(e: Float32Array[]): Float32Array {
    const [e1, e2, e3, e4] = [e.at(-1)!, e.at(-2)!, e.at(-3)!, e.at(-4)!];
    switch (e.length) {
      case 2:
        return e1.map((v, i) => f32(f32(3 * v) - e2[i]) / 2);
      case 3:
        return e1.map((v, i) => f32(f32(f32(23 * v) - f32(16 * e2[i])) + f32(5 * e3[i])) / 12);
      default: {
        const oneOver24 = f32(1 / 24);
        return e1.map(
          (v, i) => oneOver24 * f32(f32(f32(f32(55 * v) - f32(59 * e2[i])) + f32(37 * e3[i])) - f32(9 * e4[i])),
        );
      }
    }
  }

  return {
    id: 'pndm',
    order: 1,
    initNoiseSigma: 1,
    get timesteps() {
      return timesteps;
    },
    setTimesteps(n) {
      assertStepCount(CLASS, n, total);
      numInferenceSteps = n;
      const ascending = spacedTimesteps(n, {
        spacing: config.timestep_spacing,
        numTrainTimesteps: total,
        stepsOffset: config.steps_offset,
        linspaceValues: 'rounded',
      }).reverse();
      // PLMS needs ε at the first timestep twice: once to start, once for its second-order restart
      timesteps = [...ascending.slice(0, -1), ...ascending.slice(-2, -1), ...ascending.slice(-1)].reverse();
      ets = [];
      counter = 0;
      curSample = undefined;
    },
    scaleModelInput: (sample) => sample,
    step(modelOutput, timestep, sample) {
      if (numInferenceSteps === 0) throw new Error(`${CLASS}: call setTimesteps before step`);
      assertSameLength(CLASS, modelOutput, sample);
      const stride = Math.floor(total / numInferenceSteps);
      let t = timestep;
      let prevT = timestep - stride;
      if (counter !== 1) {
        ets = [...ets.slice(-3), modelOutput];
      } else {
        prevT = timestep;
        t = timestep + stride;
      }
      // diffusers combines raw outputs and converts v to ε afterwards, at the (possibly shifted) timestep
      let combined: Float32Array;
      let x = sample;
      if (ets.length === 1 && counter === 0) {
        combined = modelOutput;
        curSample = sample;
      } else if (ets.length === 1 && counter === 1) {
        combined = modelOutput.map((v, i) => f32(v + ets[0][i]) / 2);
        x = curSample!;
        curSample = undefined;
      } else {
        combined = combine(ets);
      }
      counter += 1;
      return previousSample(x, t, prevT, combined);
    },
    addNoise(original, noise, timestep) {
      assertSameLength(CLASS, original, noise);
      return noiseVp(original, noise, vpScale(alphaCumprodAt(CLASS, alphasCumprod, timestep)));
    },
  };
}
