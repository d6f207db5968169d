// The sampler contract of diffusers' SchedulerMixin, as StableDiffusionPipeline and StableDiffusionImg2ImgPipeline drive it.

import { schedulerIds, type SchedulerIdValue } from '../../shared/schedulers';

/** The ids of shared/schedulers.ts, the one list every other derives from. */
export type SchedulerId = SchedulerIdValue;

export const SCHEDULER_IDS: readonly SchedulerId[] = schedulerIds;

/** A torch-compatible CPU generator: each call is one `torch.randn(count)` draw, float32. */
export interface NoiseSource {
  randn(count: number): Float32Array;
}

/**
 * One denoising schedule, stateful like its diffusers class: `setTimesteps` resets it, then the pipeline calls
 * `scaleModelInput` and `step` once per entry of `timesteps`, in order. Tensors are flat float32 arrays (every
 * operation is elementwise) and no method modifies its inputs.
 *
 * The model output given to `step` is the raw UNet prediction (after classifier-free guidance): converting an
 * ε-, v- or x₀-prediction happens inside, with the formulas and rounding of the diffusers class.
 */
export interface Scheduler {
  readonly id: SchedulerId;
  /** diffusers' `scheduler.order`: img2img keeps `timesteps.slice(tStart * order)`. */
  readonly order: number;
  /** txt2img multiplies the initial `randn` latents by this. */
  readonly initNoiseSigma: number;
  /** The UNet's timestep per call, valid after `setTimesteps` (fractional for Euler schedules). Do not modify. */
  readonly timesteps: number[];
  /** diffusers' `scheduler.sigmas` (float32, one longer than `timesteps`), for the classes that have them. */
  readonly sigmas?: Float32Array;
  setTimesteps(numInferenceSteps: number): void;
  scaleModelInput(sample: Float32Array, timestep: number): Float32Array;
  /** Returns prev_sample. Draws from `noise` exactly when the diffusers class draws from its generator. */
  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, noise: NoiseSource): Float32Array;
  /** The forward process q(x_t | x_0) at `timestep`, one of `timesteps` (img2img's first kept timestep). */
  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array;
  /**
   * Present exactly where the diffusers class has `set_begin_index`. StableDiffusionImg2ImgPipeline calls it
   * with `tStart * order` right after slicing the timesteps and before `addNoise`, so call it as
   * `scheduler.setBeginIndex?.(tStart * scheduler.order)`; without it these schedulers look the first timestep
   * up in `timesteps` (taking the second match when it repeats), which is not always the sliced position.
   */
  setBeginIndex?(beginIndex: number): void;
}

/** Guards the shape contract of every elementwise operation. */
export function assertSameLength(what: string, a: Float32Array, b: Float32Array): void {
  if (a.length !== b.length) {
    throw new RangeError(`${what}: tensors differ in length (${a.length} vs ${b.length})`);
  }
}

export function assertStepCount(className: string, numInferenceSteps: number, numTrainTimesteps: number): void {
  if (!Number.isInteger(numInferenceSteps) || numInferenceSteps < 1) {
    throw new RangeError(
      `${className}: the number of inference steps must be a positive integer, got ${numInferenceSteps}`,
    );
  }
  if (numInferenceSteps > numTrainTimesteps) {
    throw new RangeError(
      `${className}: ${numInferenceSteps} inference steps exceed the ${numTrainTimesteps} training timesteps`,
    );
  }
}
