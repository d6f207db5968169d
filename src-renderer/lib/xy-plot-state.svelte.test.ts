// An X/Y plot's run against a queue played by the test: waves within the queue limit, a full queue waited out, an
// outcome that beats its submit reply, and the saved grid's description.
import { expect, test } from 'vitest';
import type { GenerateRequest } from '../../src-main/shared/generation';
import { parseAxisValues, type XyAxisKind, type XyAxisValues } from '../../src-main/shared/xy-axis-values';
import type { PlotSaveInput, SavedPlot } from '../../src-main/shared/xy-plot';
import { ApiError } from './api';
import { planPlot, type PlotPlan } from './xy-plan';
import { PLOT_WAVE, XyPlotForm, XyPlotRun, type PlotHost } from './xy-plot-state.svelte';

const base: GenerateRequest = { prompt: 'a red circle', steps: 4, guidance: 7.5, scheduler: 'euler', batch: 1 };
const axis = (kind: XyAxisKind, text: string): XyAxisValues => {
  const parsed = parseAxisValues(kind, text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.axis;
};
const planOf = (x: XyAxisValues, y: XyAxisValues | null): PlotPlan => {
  const planned = planPlot(base, x, y, '5');
  if (!planned.ok) throw new Error(planned.error);
  return planned.plan;
};
const plotBase: PlotSaveInput['base'] = {
  model: 'tiny-shapes',
  prompt: 'a red circle',
  negative: '',
  seed: '5',
  steps: 4,
  guidance: 7.5,
  scheduler: 'euler',
  width: 128,
  height: 128,
  strength: null,
};

/** A queue that answers each submit with the next job id; refuses with `busy` while `full()` says so. */
function queue(options: { full?: () => boolean; onSubmit?: (jobId: string) => void } = {}) {
  const submitted: { jobId: string; request: GenerateRequest }[] = [];
  const saved: PlotSaveInput[] = [];
  const host: PlotHost = {
    async submit(request) {
      if (options.full?.()) throw new ApiError({ code: 'busy', message: 'The queue is full' });
      const jobId = `job-${submitted.length}`;
      submitted.push({ jobId, request });
      options.onSubmit?.(jobId);
      return { jobId };
    },
    async cancel() {},
    async savePlot(input): Promise<SavedPlot> {
      saved.push(input);
      return { media: 'plots/2026-12/xy-plot-1.png', width: 600, height: 800, bytes: 1234 };
    },
    mediaUrl: (media) => `/media/${media}`,
  };
  return { host, submitted, saved };
}

test('a large plot is queued a wave at a time; each finished cell lets the next one in', async () => {
  const q = queue();
  const run = new XyPlotRun(planOf(axis('seed', '1-20'), axis('steps', '1-2')), plotBase, q.host);
  await run.pump();
  expect(q.submitted).toHaveLength(PLOT_WAVE);
  expect(PLOT_WAVE).toBe(16);
  run.settle('job-0', { id: 100, media: 'gallery/a.png' });
  await run.pump();
  expect(q.submitted).toHaveLength(PLOT_WAVE + 1);
  expect(run.cells[0]).toMatchObject({ status: 'done', id: 100, url: '/media/gallery/a.png' });
  expect(run.done).toBe(1);
});

test('a full queue leaves the cell waiting with a message, and the plot goes on when a job finishes', async () => {
  // Other work holds 30 of the queue's 32 places: two of the plot's jobs fit.
  let free = 2;
  const q = queue({ full: () => free-- <= 0 });
  const run = new XyPlotRun(planOf(axis('guidance', '1, 2, 3'), null), plotBase, q.host);
  await run.pump();
  expect(run.cells.map((c) => c.status)).toEqual(['queued', 'queued', 'waiting']);
  expect(run.stalled).toMatch(/queue is full \(at most 32 jobs\)/);
  free = 1;
  run.settle('job-0', { id: 1, media: 'a.png' });
  await run.pump();
  expect(run.cells.map((c) => c.status)).toEqual(['done', 'queued', 'queued']);
  expect(run.stalled).toBeNull();
});

test('an outcome that arrives before its submit answers still fills its cell', async () => {
  let run: XyPlotRun | null = null;
  const q = queue({ onSubmit: (jobId) => run?.settle(jobId, { id: 7, media: 'gallery/early.png' }) });
  run = new XyPlotRun(planOf(axis('guidance', '1, 2'), null), plotBase, q.host);
  await run.pump();
  expect(run.cells.map((c) => [c.status, c.id])).toEqual([
    ['done', 7],
    ['done', 7],
  ]);
  expect(run.complete).toBe(true);
});

test('failures and cancellations finish their cells; save describes axes, labels, base and records', async () => {
  const q = queue();
  const run = new XyPlotRun(planOf(axis('guidance', '3, 9'), axis('scheduler', 'euler, ddim')), plotBase, q.host);
  await run.pump();
  expect(q.submitted.map((s) => [s.request.guidance, s.request.scheduler])).toEqual([
    [3, 'euler'],
    [9, 'euler'],
    [3, 'ddim'],
    [9, 'ddim'],
  ]);
  run.settle('job-0', { id: 10, media: 'a.png' });
  run.settle('job-1', { error: 'engine crashed' });
  run.settle('job-2', 'cancelled');
  expect(run.finished).toBe(false);
  run.settle('job-3', { id: 13, media: 'd.png' });
  expect(run.finished).toBe(true);
  expect(run.complete).toBe(false);
  expect(run.cells[1]).toMatchObject({ status: 'failed', error: 'engine crashed' });

  const done = new XyPlotRun(planOf(axis('guidance', '3, 9'), null), plotBase, q.host);
  await done.pump();
  done.settle('job-4', { id: 21, media: 'x.png' });
  done.settle('job-5', { id: 22, media: 'y.png' });
  await done.save('iVBORw0KGgo=');
  expect(q.saved[0]).toEqual({
    pngBase64: 'iVBORw0KGgo=',
    x: { kind: 'guidance', values: [3, 9], labels: ['Guidance: 3', 'Guidance: 9'] },
    y: null,
    base: plotBase,
    cells: [
      { x: 0, y: 0, id: 21 },
      { x: 1, y: 0, id: 22 },
    ],
  });
  expect(done.saved).toMatchObject({ media: 'plots/2026-12/xy-plot-1.png', url: '/media/plots/2026-12/xy-plot-1.png' });
});

test('the form names the axis an error belongs to', () => {
  const form = new XyPlotForm();
  form.xKind = 'steps';
  form.xText = '0, 10';
  const planned = form.plan(base, '1');
  expect(planned).toEqual({ ok: false, error: 'X (Steps): Steps 0 is out of range: 1 to 150' });
  form.xText = '10, 20';
  form.yKind = 'none';
  expect(form.plan(base, '1')).toMatchObject({ ok: true });
});
