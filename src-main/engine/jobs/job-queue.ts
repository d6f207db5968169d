// The main-process side of generation: jobs queue here and run, one at a time, in a worker thread that owns the
// ONNX Runtime sessions. A crashed worker fails its jobs and is replaced on the next submission.
import { randomUUID } from 'node:crypto';
import type { GenerateParams, GenerateResult, StepInfo } from '../engine-types';
import type { FromWorker, JobFailure, ToWorker } from './worker-protocol';

export interface WorkerLike {
  postMessage(message: ToWorker): void;
  on(event: 'message', listener: (message: FromWorker) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

export type JobEvent =
  | { type: 'queued'; jobId: string; position: number }
  | { type: 'started'; jobId: string }
  | { type: 'step'; jobId: string; info: StepInfo }
  | { type: 'done'; jobId: string; result: GenerateResult }
  | { type: 'cancelled'; jobId: string; step: number }
  | { type: 'failed'; jobId: string; error: JobFailure };

export type JobState = 'queued' | 'running';

export interface JobQueue {
  /**
   * Queues a job and returns its id. Its `queued` event is emitted before this returns, so a caller that must know
   * the job by its first event names it with `jobId` (and records the id before submitting).
   */
  submit(modelDir: string, params: GenerateParams, options?: { previewEvery?: number; jobId?: string }): string;
  /** True when the job was queued or running (it then ends with a `cancelled` event within one step). */
  cancel(jobId: string): boolean;
  active(): { jobId: string; state: JobState }[];
  close(): Promise<void>;
}

export function createJobQueue(options: {
  spawn: () => WorkerLike;
  onEvent: (event: JobEvent) => void;
  log?: (message: string) => void;
}): JobQueue {
  const jobs = new Map<string, JobState>();
  let worker: WorkerLike | null = null;

  function ensureWorker(): WorkerLike {
    if (worker) return worker;
    const w = options.spawn();
    w.on('message', (message) => receive(message));
    w.on('error', (error) => options.log?.(`engine worker error: ${error.message}`));
    w.on('exit', (code) => {
      if (worker !== w) return;
      worker = null;
      // Whatever was in flight is lost with the worker: say so, rather than leave views waiting forever.
      for (const jobId of [...jobs.keys()]) {
        jobs.delete(jobId);
        options.onEvent({
          type: 'failed',
          jobId,
          error: { code: 'generation_failed', message: `The engine stopped unexpectedly (exit code ${code})` },
        });
      }
    });
    worker = w;
    return w;
  }

  function receive(message: FromWorker): void {
    if (message.type === 'log') return options.log?.(message.message);
    if (!jobs.has(message.jobId)) return;
    if (message.type === 'started') jobs.set(message.jobId, 'running');
    if (message.type === 'done' || message.type === 'failed' || message.type === 'cancelled')
      jobs.delete(message.jobId);
    options.onEvent(message);
  }

  return {
    submit(modelDir, params, submitOptions = {}) {
      const jobId = submitOptions.jobId ?? randomUUID();
      if (jobs.has(jobId)) throw new Error(`job ${jobId} is already queued`);
      const position = jobs.size;
      jobs.set(jobId, 'queued');
      options.onEvent({ type: 'queued', jobId, position });
      ensureWorker().postMessage({
        type: 'generate',
        jobId,
        modelDir,
        params,
        previewEvery: submitOptions.previewEvery ?? 0,
      });
      return jobId;
    },
    cancel(jobId) {
      if (!jobs.has(jobId) || !worker) return false;
      worker.postMessage({ type: 'cancel', jobId });
      return true;
    },
    active: () => [...jobs].map(([jobId, state]) => ({ jobId, state })),
    async close() {
      const w = worker;
      worker = null;
      jobs.clear();
      if (w) await w.terminate();
    },
  };
}
