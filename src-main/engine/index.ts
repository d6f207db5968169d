// The engine's public entry: what the studio and other services may use. Plain data in, pixels and settings out;
// everything else under engine/ is its own business.
export { createEngine, type Engine, type EngineOptions } from './engine';
export type {
  ConceptVectors,
  GenerateOptions,
  GenerateParams,
  GenerateResult,
  GeneratedImage,
  InitImage,
  InpaintSettings,
  LoraTensor,
  LoraWeights,
  PreviewImage,
  PrepareInfo,
  ResolvedSettings,
  StepInfo,
  Timings,
} from './engine-types';
export type { MaskImage } from './masked-latents';
export { GenerationAbortedError, InvalidParamsError, isAbortError, ModelFolderError } from './engine-errors';
export { createJobQueue, type JobEvent, type JobQueue, type JobState, type WorkerLike } from './jobs/job-queue';
export { createInlineWorker } from './jobs/inline-worker';
export type { WorkerInit } from './jobs/worker-protocol';
export {
  listAvailableProviders,
  providerPreferences,
  type ProviderId,
  type ProviderPreference,
} from './execution-providers';
export type { SchedulerId } from './schedulers/scheduler';
export {
  checkModelFolder,
  graphPrecision,
  requiredFiles as requiredModelFiles,
  type FolderProblem,
  type FolderReport,
} from './model-folder-check';
export { resolveProviders } from './execution-providers';
export { groupLoraModules, type LoraModule } from './lora/lora-keys';
export {
  OPTIMIZER_VERSION,
  OptimizeError,
  optimizeModelFolder,
  type OptimizeOptions,
  type OptimizeReport,
} from './graph-optimizer';
export { listStoredFigures, type ProviderFigures } from './acceleration/provider-choice';
export type { ExecutionPath } from './acceleration/execution-path';
export { benchUNet, type UNetBenchOptions, type UNetBenchResult } from './acceleration/unet-bench';
export { defaultGraphOptimizer } from './acceleration/optimizer-binding';
