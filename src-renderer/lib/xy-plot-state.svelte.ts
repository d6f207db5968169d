// An X/Y plot while it runs: the form's axes, the plan's cells as jobs, queued in waves so that the engine's queue
// (limits.maxQueuedJobs) keeps room for other work, each cell filled in as its job finishes, and the grid saved.
import { limits } from '../../src-main/shared/contract';
import type { GenerateRequest } from '../../src-main/shared/generation';
import { parseAxisValues, xyAxisLabels, type AxisParse, type XyAxisKind } from '../../src-main/shared/xy-axis-values';
import type { PlotSaveInput, SavedPlot } from '../../src-main/shared/xy-plot';
import { ApiError } from './api';
import { planPlot, type PlanResult, type PlotPlan } from './xy-plan';

/** Jobs of one plot queued or running at once: half the engine's queue, so a plot never fills it alone. */
export const PLOT_WAVE = Math.floor(limits.maxQueuedJobs / 2);

export type CellStatus = 'waiting' | 'queued' | 'done' | 'failed' | 'cancelled';

export type SettleOutcome = { id: number; media: string } | { error: string } | 'cancelled';

export interface PlotCellState {
  x: number;
  y: number;
  status: CellStatus;
  jobId: string | null;
  /** The gallery record and its media URL, once done. */
  id: number | null;
  url: string | null;
  error: string | null;
}

/** What the plot needs of the studio: the job queue, the gallery's plot saving, media URLs. */
export interface PlotHost {
  submit(request: GenerateRequest): Promise<{ jobId: string }>;
  cancel(jobId: string): Promise<void>;
  savePlot(input: PlotSaveInput): Promise<SavedPlot>;
  mediaUrl(media: string): string;
}

export class XyPlotForm {
  xKind = $state<XyAxisKind>('guidance');
  xText = $state('3, 7.5, 12');
  yKind = $state<XyAxisKind | 'none'>('scheduler');
  yText = $state('pndm, euler, ddim');

  readonly x: AxisParse = $derived(parseAxisValues(this.xKind, this.xText));
  readonly y: AxisParse | null = $derived(this.yKind === 'none' ? null : parseAxisValues(this.yKind, this.yText));

  /** The plan for a base request; the axes' own errors first. */
  plan(base: GenerateRequest, sharedSeed: string): PlanResult {
    if (!this.x.ok) return { ok: false, error: `X (${xyAxisLabels[this.xKind]}): ${this.x.error}` };
    if (this.y && !this.y.ok)
      return { ok: false, error: `Y (${xyAxisLabels[this.yKind as XyAxisKind]}): ${this.y.error}` };
    return planPlot(base, this.x.axis, this.y?.axis ?? null, sharedSeed);
  }
}

export class XyPlotRun {
  cells = $state<PlotCellState[]>([]);
  /** Why the plot is waiting (the queue full), in words; null when it is not. */
  stalled = $state<string | null>(null);
  saving = $state(false);
  saved = $state<(SavedPlot & { url: string }) | null>(null);
  saveError = $state<string | null>(null);

  readonly done = $derived(this.cells.filter((cell) => cell.status === 'done').length);
  readonly finished = $derived(
    this.cells.every((c) => c.status === 'done' || c.status === 'failed' || c.status === 'cancelled'),
  );
  readonly complete = $derived(this.cells.length > 0 && this.cells.every((cell) => cell.status === 'done'));

  private pumping = false;
  /** Outcomes that came before their job's submit answered (a job can finish while the next one is submitted). Not
   * state: nothing shows it. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private early = new Map<string, SettleOutcome>();

  constructor(
    readonly plan: PlotPlan,
    /** The settings every cell shares, as the saved grid describes them. */
    readonly base: PlotSaveInput['base'],
    private readonly host: PlotHost,
  ) {
    this.cells = plan.cells.map((cell) => ({
      x: cell.x,
      y: cell.y,
      status: 'waiting',
      jobId: null,
      id: null,
      url: null,
      error: null,
    }));
  }

  owns(jobId: string): boolean {
    return this.cells.some((cell) => cell.jobId === jobId);
  }

  /** Queues waiting cells until a wave's worth are in the queue. */
  async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let i = this.nextWaiting(); i >= 0 && this.inQueue() < PLOT_WAVE; i = this.nextWaiting()) {
        const cell = this.cells[i];
        cell.status = 'queued';
        try {
          const { jobId } = await this.host.submit(this.plan.cells[i].request);
          cell.jobId = jobId;
          this.stalled = null;
          const early = this.early.get(jobId);
          this.early.delete(jobId);
          if (early) this.apply(cell, early);
        } catch (error) {
          if (error instanceof ApiError && error.code === 'busy') {
            // Other work filled the queue: this cell waits for the next job to finish.
            cell.status = 'waiting';
            this.stalled = `The job queue is full (at most ${limits.maxQueuedJobs} jobs): the plot continues as jobs finish`;
            if (this.inQueue() === 0) setTimeout(() => void this.pump(), 2000);
            return;
          }
          Object.assign(cell, { status: 'failed', error: error instanceof Error ? error.message : String(error) });
        }
      }
    } finally {
      this.pumping = false;
      // Whatever is left belongs to other jobs: only an outcome that beats its own submit is kept.
      this.early.clear();
    }
  }

  /** A job of this plot finished: its cell shows the record, and the next cell is queued. */
  settle(jobId: string, outcome: SettleOutcome): void {
    const cell = this.cells.find((c) => c.jobId === jobId);
    if (!cell) {
      if (this.pumping && this.early.size < limits.maxQueuedJobs) this.early.set(jobId, outcome);
      return;
    }
    this.apply(cell, outcome);
    void this.pump();
  }

  private apply(cell: PlotCellState, outcome: SettleOutcome): void {
    if (outcome === 'cancelled') cell.status = 'cancelled';
    else if ('error' in outcome) Object.assign(cell, { status: 'failed', error: outcome.error });
    else Object.assign(cell, { status: 'done', id: outcome.id, url: this.host.mediaUrl(outcome.media) });
  }

  /** Cancels the queued jobs and forgets the cells not yet queued. */
  async cancel(): Promise<void> {
    for (const cell of this.cells) if (cell.status === 'waiting') cell.status = 'cancelled';
    await Promise.all(
      this.cells.filter((c) => c.status === 'queued' && c.jobId).map((c) => this.host.cancel(c.jobId!)),
    );
  }

  /** The grid image (drawn by the caller) with the plot's description, into the data directory's plots/. */
  async save(pngBase64: string): Promise<void> {
    const { x, y, xLabels, yLabels } = this.plan;
    this.saving = true;
    this.saveError = null;
    try {
      const saved = await this.host.savePlot({
        pngBase64,
        x: { kind: x.kind, values: x.values, labels: xLabels },
        y: y ? { kind: y.kind, values: y.values, labels: yLabels } : null,
        base: this.base,
        cells: this.cells.map((cell) => ({ x: cell.x, y: cell.y, id: cell.id! })),
      });
      this.saved = { ...saved, url: this.host.mediaUrl(saved.media) };
    } catch (error) {
      this.saveError = error instanceof Error ? error.message : String(error);
    } finally {
      this.saving = false;
    }
  }

  private nextWaiting(): number {
    return this.cells.findIndex((cell) => cell.status === 'waiting');
  }

  private inQueue(): number {
    return this.cells.filter((cell) => cell.status === 'queued').length;
  }
}
