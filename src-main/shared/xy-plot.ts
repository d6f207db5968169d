// A finished X/Y plot as the renderer hands it over for saving: the grid image it drew, and what the grid shows —
// the axes, their values and labels, the settings every cell shares and the gallery record of each cell. The main
// process checks all of it and writes the PNG with this description in a text chunk.
import { z } from 'zod';
import { base64Png } from './base64-png';
import { generationLimits as limits } from './generation-limits';
import { isSchedulerId, schedulerIds } from './schedulers';
import { MAX_AXIS_VALUES, xyAxisKinds, type XyAxisKind } from './xy-axis-values';

/** Cells per plot: each is a job, and the grid must stay readable. */
export const MAX_PLOT_CELLS = 100;
/** The PNG text chunk's keyword for the plot's description. */
export const PLOT_CHUNK_KEYWORD = 'studio-xy-plot';

const label = z.string().max(1000);

const valueChecks: Record<XyAxisKind, (value: string | number) => boolean> = {
  seed: (v) => typeof v === 'string' && /^\d{1,20}$/.test(v) && BigInt(v) <= limits.seed.max,
  steps: (v) => typeof v === 'number' && Number.isInteger(v) && v >= limits.steps.min && v <= limits.steps.max,
  guidance: (v) => typeof v === 'number' && v >= limits.guidance.min && v <= limits.guidance.max,
  strength: (v) => typeof v === 'number' && v > limits.strength.above && v <= limits.strength.max,
  scheduler: (v) => isSchedulerId(v),
  prompt: (v) => typeof v === 'string' && v.length <= limits.promptLength.max,
};

const plotAxisSchema = z
  .object({
    kind: z.enum(xyAxisKinds),
    values: z
      .array(z.union([z.string().max(limits.promptLength.max), z.number().finite()]))
      .min(1)
      .max(MAX_AXIS_VALUES),
    labels: z.array(label).max(MAX_AXIS_VALUES),
  })
  .strict()
  .superRefine((axis, ctx) => {
    const bad = axis.values.findIndex((v) => !valueChecks[axis.kind](v));
    if (bad >= 0) ctx.addIssue({ code: 'custom', path: ['values', bad], message: `not a ${axis.kind} value` });
    if (axis.labels.length !== axis.values.length)
      ctx.addIssue({ code: 'custom', path: ['labels'], message: 'must name every value' });
  });

/** The settings the cells share (an axis's own setting varies from cell to cell). */
const plotBaseSchema = z
  .object({
    model: z.string().max(200),
    prompt: z.string().max(limits.promptLength.max),
    negative: z.string().max(limits.promptLength.max),
    seed: z.string().regex(/^\d{1,20}$/, 'must be a whole number'),
    steps: z.number().int().min(limits.steps.min).max(limits.steps.max),
    guidance: z.number().min(limits.guidance.min).max(limits.guidance.max),
    scheduler: z.enum(schedulerIds),
    width: z.number().int().min(limits.side.min).max(limits.side.max),
    height: z.number().int().min(limits.side.min).max(limits.side.max),
    strength: z.number().gt(limits.strength.above).max(limits.strength.max).nullable(),
  })
  .strict();

const index = z
  .number()
  .int()
  .min(0)
  .max(MAX_AXIS_VALUES - 1);

export const plotSaveSchema = z
  .object({
    pngBase64: base64Png,
    x: plotAxisSchema,
    y: plotAxisSchema.nullable(),
    base: plotBaseSchema,
    cells: z
      .array(z.object({ x: index, y: index, id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict())
      .min(1)
      .max(MAX_PLOT_CELLS),
  })
  .strict()
  .superRefine((plot, ctx) => {
    if (plot.y && plot.y.kind === plot.x.kind)
      ctx.addIssue({ code: 'custom', path: ['y', 'kind'], message: 'must differ from the X axis' });
    const columns = plot.x.values.length;
    const rows = plot.y?.values.length ?? 1;
    if (plot.cells.length !== columns * rows)
      ctx.addIssue({
        code: 'custom',
        path: ['cells'],
        message: `must hold ${columns * rows} cells (${columns} × ${rows})`,
      });
    const seen = new Set<string>();
    plot.cells.forEach((cell, i) => {
      const at = `${cell.x},${cell.y}`;
      if (cell.x >= columns || cell.y >= rows)
        ctx.addIssue({
          code: 'custom',
          path: ['cells', i],
          message: `cell ${at} is outside the ${columns} × ${rows} grid`,
        });
      else if (seen.has(at)) ctx.addIssue({ code: 'custom', path: ['cells', i], message: `cell ${at} comes twice` });
      seen.add(at);
    });
  });

export type PlotSaveInput = z.input<typeof plotSaveSchema>;
export type PlotDescription = Omit<z.output<typeof plotSaveSchema>, 'pngBase64'>;

export interface SavedPlot {
  /** Media path inside the data directory, e.g. `plots/2026-12/xy-plot-….png`. */
  media: string;
  width: number;
  height: number;
  bytes: number;
}
