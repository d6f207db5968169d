// Scheduler algorithms by id (ids, names and defaults: shared/schedulers.ts), each a diffusers class plus
// overrides, built like `Cls.from_config(scheduler_config, **overrides)`.
import type { ModelSchedulerConfig } from './config';
import { createDdim, ddimAlphasCumprod, resolveDdimConfig } from './ddim';
import { createDpmSolver, dpmSolverAlphasCumprod, resolveDpmSolverConfig } from './dpm-solver-multistep';
import { createEuler, eulerAlphasCumprod, resolveEulerConfig } from './euler';
import { createEulerAncestral, eulerAncestralAlphasCumprod, resolveEulerAncestralConfig } from './euler-ancestral';
import { createLcm, lcmAlphasCumprod, resolveLcmConfig } from './lcm';
import { createPndm, pndmAlphasCumprod, resolvePndmConfig } from './pndm';
import { schedulerIdFromDiffusers } from '../../shared/schedulers';
import { SCHEDULER_IDS, type Scheduler, type SchedulerId } from './scheduler';

export type { ModelSchedulerConfig } from './config';
export { SCHEDULER_IDS, type NoiseSource, type Scheduler, type SchedulerId } from './scheduler';

/** A scheduler id resolved against a model config: its ᾱ schedule, and a constructor taking any ᾱ schedule. */
interface Recipe {
  readonly alphasCumprod: Float32Array;
  create(alphasCumprod: Float32Array): Scheduler;
}

function recipe<C>(
  config: C,
  alphas: (config: C) => Float32Array,
  create: (config: C, alphasCumprod: Float32Array) => Scheduler,
): Recipe {
  const computed = alphas(config);
  return {
    alphasCumprod: computed,
    create(alphasCumprod) {
      if (alphasCumprod.length !== computed.length) {
        throw new RangeError(`alphas_cumprod has ${alphasCumprod.length} values, not ${computed.length}`);
      }
      return create(config, alphasCumprod);
    },
  };
}

// One line per id of shared/schedulers.ts; typed as a full record, so a scheduler added there fails the build until
// it has its algorithm here.
const recipes: Record<SchedulerId, (modelConfig: ModelSchedulerConfig) => Recipe> = {
  pndm: (c) => recipe(resolvePndmConfig(c), pndmAlphasCumprod, createPndm),
  ddim: (c) => recipe(resolveDdimConfig(c), ddimAlphasCumprod, createDdim),
  euler: (c) => recipe(resolveEulerConfig(c), eulerAlphasCumprod, createEuler),
  'euler-a': (c) => recipe(resolveEulerAncestralConfig(c), eulerAncestralAlphasCumprod, createEulerAncestral),
  'dpmpp-2m': (c) => recipe(resolveDpmSolverConfig(c, false), dpmSolverAlphasCumprod, createDpmSolver),
  'dpmpp-2m-karras': (c) => recipe(resolveDpmSolverConfig(c, true), dpmSolverAlphasCumprod, createDpmSolver),
  lcm: (c) => recipe(resolveLcmConfig(c), lcmAlphasCumprod, createLcm),
};

function recipeFor(id: SchedulerId, modelConfig: ModelSchedulerConfig): Recipe {
  if (!Object.hasOwn(recipes, id)) {
    throw new Error(`unknown scheduler id ${JSON.stringify(id)} (expected one of ${SCHEDULER_IDS.join(', ')})`);
  }
  return recipes[id](modelConfig);
}

/**
 * The scheduler `id` for a model whose scheduler_config.json is `modelConfig`. Throws on a config value the
 * class rejects or this engine does not implement, naming the field.
 */
export function createScheduler(id: SchedulerId, modelConfig: ModelSchedulerConfig): Scheduler {
  const { alphasCumprod, create } = recipeFor(id, modelConfig);
  return create(alphasCumprod);
}

/** The ᾱ_t (alphas_cumprod, float32) the scheduler `id` derives from `modelConfig`. */
export function alphasCumprodFor(id: SchedulerId, modelConfig: ModelSchedulerConfig): Float32Array {
  return recipeFor(id, modelConfig).alphasCumprod.slice();
}

/**
 * The same construction with a given ᾱ schedule in place of the one computed from the betas, for tests that
 * replay float32 values recorded from torch.
 */
export function createSchedulerWithAlphasCumprod(
  id: SchedulerId,
  modelConfig: ModelSchedulerConfig,
  alphasCumprod: Float32Array,
): Scheduler {
  return recipeFor(id, modelConfig).create(alphasCumprod);
}

/** The model's own scheduler as an id, from scheduler_config.json's `_class_name`; undefined for other classes. */
export function schedulerIdFromClassName(
  className: string,
  config: ModelSchedulerConfig = {},
): SchedulerId | undefined {
  return schedulerIdFromDiffusers(className, config.use_karras_sigmas === true);
}
