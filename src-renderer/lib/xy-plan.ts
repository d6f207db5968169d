// An X/Y plot as jobs: one generate request per cell, the base settings with the cell's X and Y values applied, as
// AUTOMATIC1111's X/Y/Z plot script does (one seed for every cell unless seed is an axis; prompt S/R replaces the
// first value wherever it occurs in the prompt and the negative prompt).
import type { GenerateRequest } from '../../src-main/shared/generation';
import { schedulerEntry } from '../../src-main/shared/schedulers';
import { xyAxisLabels, type XyAxisValues } from '../../src-main/shared/xy-axis-values';
import { MAX_PLOT_CELLS } from '../../src-main/shared/xy-plot';

export { MAX_PLOT_CELLS };

export interface PlotCell {
  x: number;
  y: number;
  request: GenerateRequest;
}

export interface PlotPlan {
  /** The columns' axis, and the rows' (null: a single row). */
  x: XyAxisValues;
  y: XyAxisValues | null;
  xLabels: string[];
  yLabels: string[];
  /** Row by row, left to right: the order the jobs are queued and the grid fills. */
  cells: PlotCell[];
}

export type PlanResult = { ok: true; plan: PlotPlan } | { ok: false; error: string };

/** The seed every cell shares when seed is not an axis (the form's random seed, drawn once for the whole plot). */
export function planPlot(
  base: GenerateRequest,
  x: XyAxisValues,
  y: XyAxisValues | null,
  sharedSeed: string,
): PlanResult {
  const problem = checkAxes(base, x, y);
  if (problem) return { ok: false, error: problem };
  const rows = y?.values.length ?? 1;
  const count = x.values.length * rows;
  if (count > MAX_PLOT_CELLS) return { ok: false, error: `${count} cells; a plot holds at most ${MAX_PLOT_CELLS}` };
  const { previewEvery: _preview, ...settings } = base;
  const start: GenerateRequest = { ...settings, seed: base.seed ?? sharedSeed, batch: 1 };
  const cells: PlotCell[] = [];
  for (let row = 0; row < rows; row++) {
    const withY = y ? apply(start, y, row) : start;
    for (let column = 0; column < x.values.length; column++) {
      cells.push({ x: column, y: row, request: apply(withY, x, column) });
    }
  }
  return { ok: true, plan: { x, y, xLabels: axisLabels(x), yLabels: y ? axisLabels(y) : [''], cells } };
}

function checkAxes(base: GenerateRequest, x: XyAxisValues, y: XyAxisValues | null): string | null {
  if (y && y.kind === x.kind) return `X and Y are both ${xyAxisLabels[x.kind]}: pick two different settings`;
  for (const axis of y ? [x, y] : [x]) {
    if (axis.kind === 'strength' && base.initImage === undefined)
      return 'Strength is an img2img setting: switch to img2img (a sketch) to plot it';
    if (axis.kind === 'prompt') {
      const search = axis.values[0];
      if (!base.prompt.includes(search) && !(base.negative ?? '').includes(search))
        return `Prompt S/R: "${search}" is not in the prompt`;
    }
  }
  return null;
}

/** The base request with the axis's i-th value in place. */
function apply(request: GenerateRequest, axis: XyAxisValues, i: number): GenerateRequest {
  switch (axis.kind) {
    case 'seed':
      return { ...request, seed: axis.values[i] };
    case 'steps':
      return { ...request, steps: axis.values[i] };
    case 'guidance':
      return { ...request, guidance: axis.values[i] };
    case 'strength':
      return { ...request, strength: axis.values[i] };
    case 'scheduler':
      return { ...request, scheduler: axis.values[i] };
    case 'prompt': {
      const [search] = axis.values;
      const replace = (text: string) => text.replaceAll(search, axis.values[i]);
      return { ...request, prompt: replace(request.prompt), negative: replace(request.negative ?? '') };
    }
  }
}

/** What each value is called on the grid: "Guidance: 7.5", "Euler a", the replacement word. */
export function axisLabels(axis: XyAxisValues): string[] {
  switch (axis.kind) {
    case 'scheduler':
      return axis.values.map((id) => schedulerEntry(id).label);
    case 'prompt':
      return [...axis.values];
    default:
      return axis.values.map((value) => `${xyAxisLabels[axis.kind]}: ${value}`);
  }
}
