// The values of one X/Y plot axis, typed as AUTOMATIC1111's X/Y/Z plot script reads them: a comma list whose
// numeric items may be ranges — `1-5` (step 1), `1-10 (+2)` (explicit step), `1.0-2.0 [3]` (count, evenly spaced).
// Plain data, no zod: the renderer's form checks values as they are typed, the main process checks saved plots.
import { generationLimits as limits } from './generation-limits';
import { schedulerRegistry, type SchedulerIdValue } from './schedulers';

export const xyAxisKinds = ['seed', 'steps', 'guidance', 'scheduler', 'strength', 'prompt'] as const;
export type XyAxisKind = (typeof xyAxisKinds)[number];

export const xyAxisLabels: Record<XyAxisKind, string> = {
  seed: 'Seed',
  steps: 'Steps',
  guidance: 'Guidance',
  scheduler: 'Scheduler',
  strength: 'Strength',
  prompt: 'Prompt S/R',
};

/** Values per axis: a plot is for looking at, and each value is a job (or a row of them). */
export const MAX_AXIS_VALUES = 64;

export type XyAxisValues =
  | { kind: 'seed'; values: string[] }
  | { kind: 'steps' | 'guidance' | 'strength'; values: number[] }
  | { kind: 'scheduler'; values: SchedulerIdValue[] }
  | { kind: 'prompt'; values: string[] };

export type AxisParse = { ok: true; axis: XyAxisValues } | { ok: false; error: string };

const fail = (error: string): AxisParse => ({ ok: false, error });

/** Splits a comma list; double quotes keep commas inside an item (`"red, bright", blue`), as A1111's CSV does. */
export function splitList(text: string): string[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      items.push(current.trim());
      current = '';
    } else current += ch;
  }
  items.push(current.trim());
  return items.filter((item) => item.length > 0);
}

const number = String.raw`[+-]?\d+(?:\.\d*)?`;
const stepRange = new RegExp(String.raw`^(${number})\s*-\s*(${number})(?:\s*\(\s*([+-]\s*\d+(?:\.\d*)?)\s*\))?$`);
const countRange = new RegExp(String.raw`^(${number})\s*-\s*(${number})\s*\[\s*(\d+)\s*\]$`);

/** Rounds away float noise from stepping (0.1 + 0.2) so labels and requests read as typed. */
const tidy = (value: number) => Number(value.toFixed(6));

/** One item: a number, or a range expanded to its numbers; `integer` axes refuse fractions. */
function expandItem(item: string, integer: boolean): number[] | string {
  const counted = countRange.exec(item);
  if (counted) {
    const [start, end, count] = [Number(counted[1]), Number(counted[2]), Number(counted[3])];
    if (count < 1) return `"${item}": the count in [ ] must be at least 1`;
    if (count > MAX_AXIS_VALUES) return `"${item}" makes ${count} values; at most ${MAX_AXIS_VALUES} per axis`;
    if (count === 1) return [integer ? Math.trunc(start) : start];
    const values = Array.from({ length: count }, (_, i) => start + ((end - start) * i) / (count - 1));
    // A1111 truncates evenly spaced values on integer axes (int(x) of numpy's linspace).
    return values.map((v) => (integer ? Math.trunc(v) : tidy(v)));
  }
  const stepped = stepRange.exec(item);
  if (stepped) {
    const [start, end] = [Number(stepped[1]), Number(stepped[2])];
    const step = stepped[3] === undefined ? 1 : Number(stepped[3].replace(/\s/g, ''));
    if (integer && ![start, end, step].every(Number.isInteger)) return `"${item}": this axis takes whole numbers`;
    if (step === 0) return `"${item}": the step must not be 0`;
    if ((end - start) * step < 0) return `"${item}": a step of ${step} never gets from ${start} to ${end}`;
    const count = Math.floor((end - start) / step + 1e-9) + 1;
    if (count > MAX_AXIS_VALUES) return `"${item}" makes ${count} values; at most ${MAX_AXIS_VALUES} per axis`;
    return Array.from({ length: count }, (_, i) => tidy(start + i * step));
  }
  if (!new RegExp(`^${number}$`).test(item)) return `"${item}" is not a number or a range (1-5, 1-10 (+2), 1-2 [3])`;
  const value = Number(item);
  if (integer && !Number.isInteger(value)) return `"${item}": this axis takes whole numbers`;
  return [value];
}

function expandNumbers(items: string[], integer: boolean): number[] | string {
  const values: number[] = [];
  for (const item of items) {
    const expanded = expandItem(item, integer);
    if (typeof expanded === 'string') return expanded;
    values.push(...expanded);
  }
  return values;
}

const outside = (values: number[], ok: (v: number) => boolean) => values.find((v) => !ok(v));

function schedulerFor(name: string): SchedulerIdValue | undefined {
  const wanted = name.toLowerCase();
  return schedulerRegistry.find((s) => [s.id, s.label, s.a1111].some((n) => n.toLowerCase() === wanted))?.id;
}

/** Parses and checks one axis's values, with an error naming the first bad item and what would be accepted. */
export function parseAxisValues(kind: XyAxisKind, text: string): AxisParse {
  const items = splitList(text);
  if (items.length === 0) return fail('Give at least one value');
  const result = parseItems(kind, items);
  if (result.ok && result.axis.values.length > MAX_AXIS_VALUES)
    return fail(`${result.axis.values.length} values; at most ${MAX_AXIS_VALUES} per axis`);
  return result;
}

function parseItems(kind: XyAxisKind, items: string[]): AxisParse {
  switch (kind) {
    case 'scheduler': {
      const values: SchedulerIdValue[] = [];
      for (const item of items) {
        const id = schedulerFor(item);
        if (!id) return fail(`Unknown scheduler "${item}": one of ${schedulerRegistry.map((s) => s.label).join(', ')}`);
        values.push(id);
      }
      return { ok: true, axis: { kind, values } };
    }
    case 'prompt':
      if (items.length < 2) return fail('Give the word to replace first, then what replaces it: red, green, blue');
      return { ok: true, axis: { kind, values: items } };
    case 'seed': {
      const values = expandNumbers(items, true);
      if (typeof values === 'string') return fail(values);
      const bad = outside(values, (v) => v >= 0 && Number.isSafeInteger(v));
      if (bad !== undefined) return fail(`Seed ${bad} is out of range: 0 to ${Number.MAX_SAFE_INTEGER} in a plot`);
      return { ok: true, axis: { kind, values: values.map(String) } };
    }
    case 'steps': {
      const values = expandNumbers(items, true);
      if (typeof values === 'string') return fail(values);
      const { min, max } = limits.steps;
      const bad = outside(values, (v) => v >= min && v <= max);
      if (bad !== undefined) return fail(`Steps ${bad} is out of range: ${min} to ${max}`);
      return { ok: true, axis: { kind, values } };
    }
    case 'guidance': {
      const values = expandNumbers(items, false);
      if (typeof values === 'string') return fail(values);
      const { min, max } = limits.guidance;
      const bad = outside(values, (v) => v >= min && v <= max);
      if (bad !== undefined) return fail(`Guidance ${bad} is out of range: ${min} to ${max}`);
      return { ok: true, axis: { kind, values } };
    }
    case 'strength': {
      const values = expandNumbers(items, false);
      if (typeof values === 'string') return fail(values);
      const { above, max } = limits.strength;
      const bad = outside(values, (v) => v > above && v <= max);
      if (bad !== undefined) return fail(`Strength ${bad} is out of range: above ${above}, at most ${max}`);
      return { ok: true, axis: { kind, values } };
    }
  }
}
