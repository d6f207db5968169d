// The jobs this view submitted, followed through their events until they finish (done, failed or cancelled).
import type { Events, StudioApi } from '../../src-main/shared/contract';
import type { Mode } from './generate-form.svelte';

export interface ActiveJob {
  id: string;
  seed: string;
  mode: Mode;
  width: number;
  height: number;
  batch: number;
  status: 'queued' | 'running';
  /** Place in the engine's queue (0: next). */
  position: number;
  step: number;
  total: number;
  elapsedMs: number;
  etaMs: number | null;
  /** The latest step preview, a data: URL. */
  preview: string | null;
  /** Before the first step: what the engine is preparing (an optimised copy for a GPU provider), 0 … 1 done. */
  preparing?: { stage: string; fraction: number };
  cancelling: boolean;
}

export type NewJob = Pick<ActiveJob, 'id' | 'seed' | 'mode' | 'width' | 'height' | 'batch' | 'total'>;

export interface JobOutcomes {
  done(event: Events['job.done'], job: ActiveJob): void;
  failed(event: Events['job.failed'], job: ActiveJob): void;
  cancelled(event: Events['job.cancelled'], job: ActiveJob): void;
}

const jobEvents = [
  'job.queued',
  'job.started',
  'job.preparing',
  'job.step',
  'job.done',
  'job.failed',
  'job.cancelled',
] as const;
type JobEventName = (typeof jobEvents)[number];
type JobEvent = { [E in JobEventName]: { name: E; payload: Events[E] } }[JobEventName];

export class JobTracker {
  active = $state<ActiveJob[]>([]);
  /** The job to show: the one running, else the next in line. */
  readonly current = $derived(this.active.find((job) => job.status === 'running') ?? this.active[0] ?? null);
  readonly waiting = $derived(this.active.filter((job) => job.id !== this.current?.id));

  private submitting = 0;
  /** Events that came before the reply naming their job (the event socket can beat the HTTP reply). */
  private early: JobEvent[] = [];

  constructor(
    api: StudioApi,
    private readonly outcomes: JobOutcomes,
  ) {
    for (const name of jobEvents) {
      api.on(name, (payload) => this.receive({ name, payload } as JobEvent));
    }
  }

  /** Wraps generate.submit so that no event of the new job is missed. */
  async submit<R extends { jobId: string; seed: string }>(
    send: () => Promise<R>,
    job: (reply: R) => NewJob,
  ): Promise<R> {
    this.submitting++;
    try {
      const reply = await send();
      this.active.push({
        ...job(reply),
        status: 'queued',
        position: 0,
        step: 0,
        elapsedMs: 0,
        etaMs: null,
        preview: null,
        cancelling: false,
      });
      const mine = this.early.filter((event) => event.payload.jobId === reply.jobId);
      for (const event of mine) this.receive(event);
      return reply;
    } finally {
      if (--this.submitting === 0) this.early = [];
    }
  }

  find(jobId: string): ActiveJob | undefined {
    return this.active.find((job) => job.id === jobId);
  }

  private receive(event: JobEvent): void {
    const job = this.find(event.payload.jobId);
    if (!job) {
      // Another view's job, or one of ours whose submit has not answered yet.
      if (this.submitting > 0 && this.early.length < 1000) this.early.push(event);
      return;
    }
    switch (event.name) {
      case 'job.queued':
        job.position = event.payload.position;
        return;
      case 'job.started':
        job.status = 'running';
        return;
      case 'job.preparing':
        job.status = 'running';
        job.preparing = { stage: event.payload.stage, fraction: event.payload.fraction };
        return;
      case 'job.step':
        job.preparing = undefined;
        Object.assign(job, {
          status: 'running',
          step: event.payload.step,
          total: event.payload.total,
          elapsedMs: event.payload.elapsedMs,
          etaMs: event.payload.etaMs,
        });
        if (event.payload.preview) job.preview = event.payload.preview;
        return;
      case 'job.done':
        this.remove(job.id);
        return this.outcomes.done(event.payload, job);
      case 'job.failed':
        this.remove(job.id);
        return this.outcomes.failed(event.payload, job);
      case 'job.cancelled':
        this.remove(job.id);
        return this.outcomes.cancelled(event.payload, job);
    }
  }

  private remove(jobId: string): void {
    this.active = this.active.filter((job) => job.id !== jobId);
  }
}
