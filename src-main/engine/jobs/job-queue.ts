// The main-process side of generation: jobs queue here and run, one at a time, in a worker thread that owns the
// ONNX Runtime sessions. The queue is bounded, and a worker that dies fails only the job it was running: a fresh
// worker is started at once for the jobs still waiting.
import { randomUUID } from 'node:crypto';
import { limits } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import type { GenerateParams, GenerateResult, PrepareInfo, StepInfo } from '../engine-types';
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
  | { type: 'preparing'; jobId: string; info: PrepareInfo }
  | { type: 'done'; jobId: string; result: GenerateResult }
  | { type: 'cancelled'; jobId: string; step: number }
  | { type: 'failed'; jobId: string; error: JobFailure };

export type JobState = 'queued' | 'running';

export interface JobQueue {
  /**
   * Queues a job and returns its id. Its `queued` event is emitted before this returns, so a caller that must know
   * the job by its first event names it with `jobId` (and records the id before submitting). Throws a `busy`
   * StudioError when `maxJobs` jobs are already queued or running.
   */
  submit(modelDir: string, params: GenerateParams, options?: { previewEvery?: number; jobId?: string }): string;
  /** True when the job was queued or running (it then ends with a `cancelled` event within one step). */
  cancel(jobId: string): boolean;
  active(): { jobId: string; state: JobState }[];
  close(): Promise<void>;
}

interface Job {
  state: JobState;
  message: Extract<ToWorker, { type: 'generate' }>;
  cancelRequested: boolean;
}

export function createJobQueue(options: {
  spawn: () => WorkerLike;
  onEvent: (event: JobEvent) => void;
  log?: (message: string) => void;
  /** Jobs queued or running at once (default: the contract's limit). */
  maxJobs?: number;
}): JobQueue {
  const maxJobs = options.maxJobs ?? limits.maxQueuedJobs;
  // In submission order, which is the order the worker runs them in.
  const jobs = new Map<string, Job>();
  let worker: WorkerLike | null = null;

  function ensureWorker(): WorkerLike {
    if (worker) return worker;
    const w = options.spawn();
    w.on('message', (message) => {
      if (worker === w) receive(message);
    });
    w.on('error', (error) => options.log?.(`engine worker crashed: ${error.stack ?? error.message}`));
    w.on('exit', (code) => {
      if (worker !== w) return;
      worker = null;
      recover(code);
    });
    worker = w;
    return w;
  }

  /** After the worker died: fail the job it was running, hand the waiting ones to a fresh worker. */
  function recover(exitCode: number): void {
    // The worker takes jobs in order, so the first one left is the one it was on (it may not have said 'started').
    const [crashed] = jobs.keys();
    if (crashed === undefined) return;
    jobs.delete(crashed);
    options.log?.(`engine worker exited (code ${exitCode}) while running job ${crashed}; restarting it`);
    options.onEvent({
      type: 'failed',
      jobId: crashed,
      error: {
        code: 'engine_crashed',
        message: `The engine stopped unexpectedly (exit code ${exitCode}) during this job; it has been restarted`,
      },
    });
    if (jobs.size === 0) return;
    const fresh = ensureWorker();
    for (const [jobId, job] of jobs) {
      job.state = 'queued';
      fresh.postMessage(job.message);
      if (job.cancelRequested) fresh.postMessage({ type: 'cancel', jobId });
    }
  }

  function receive(message: FromWorker): void {
    if (message.type === 'log') return options.log?.(message.message);
    const job = jobs.get(message.jobId);
    if (!job) return;
    if (message.type === 'started') job.state = 'running';
    if (message.type === 'done' || message.type === 'failed' || message.type === 'cancelled')
      jobs.delete(message.jobId);
    options.onEvent(message);
  }

  return {
    submit(modelDir, params, submitOptions = {}) {
      if (jobs.size >= maxJobs) {
        throw new StudioError(
          'busy',
          `The queue holds ${jobs.size} jobs, the most it takes; submit again when one has finished or cancel one`,
          { limit: maxJobs },
        );
      }
      const jobId = submitOptions.jobId ?? randomUUID();
      if (jobs.has(jobId)) throw new Error(`job ${jobId} is already queued`);
      const position = jobs.size;
      const message = {
        type: 'generate' as const,
        jobId,
        modelDir,
        params,
        previewEvery: submitOptions.previewEvery ?? 0,
      };
      jobs.set(jobId, { state: 'queued', message, cancelRequested: false });
      options.onEvent({ type: 'queued', jobId, position });
      ensureWorker().postMessage(message);
      return jobId;
    },
    cancel(jobId) {
      const job = jobs.get(jobId);
      if (!job || !worker) return false;
      job.cancelRequested = true;
      worker.postMessage({ type: 'cancel', jobId });
      return true;
    },
    active: () => [...jobs].map(([jobId, job]) => ({ jobId, state: job.state })),
    async close() {
      const w = worker;
      worker = null;
      jobs.clear();
      if (w) await w.terminate();
    },
  };
}
