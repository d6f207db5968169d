// Messages between the job queue (main thread) and the engine worker. Plain, structured-cloneable data only.
import type { GenerateParams, GenerateResult, PrepareInfo, StepInfo } from '../engine-types';
import type { ProviderPreference } from '../execution-providers';

export interface WorkerInit {
  providers: ProviderPreference;
  threads?: number;
  /** The data directory's cache/ (preview projections). */
  cacheDir?: string;
}

export type ToWorker =
  | { type: 'generate'; jobId: string; modelDir: string; params: GenerateParams; previewEvery: number }
  | { type: 'cancel'; jobId: string };

/** A failure as the queue reports it: a code callers branch on and a message people read. */
export interface JobFailure {
  /** unsupported: the job must run on an execution path this machine lacks (reproducing a GPU-made image). */
  code: 'invalid_input' | 'model_invalid' | 'generation_failed' | 'engine_crashed' | 'unsupported';
  message: string;
  details?: unknown;
}

export type FromWorker =
  | { type: 'log'; message: string }
  | { type: 'started'; jobId: string }
  | { type: 'step'; jobId: string; info: StepInfo }
  | { type: 'preparing'; jobId: string; info: PrepareInfo }
  | { type: 'done'; jobId: string; result: GenerateResult }
  | { type: 'cancelled'; jobId: string; step: number }
  | { type: 'failed'; jobId: string; error: JobFailure };
