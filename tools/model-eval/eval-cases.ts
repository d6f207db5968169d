// evaluate.py's prompt × seed grid, its per-image scoring and its summary, for the studio's engine.
import { PythonRandom } from './python-random';
import type { ShapeAnalysis } from './shape-analysis';
import { COLOR_NAMES, HELD_OUT, POSITIONS, SHAPES, type ColorName, type ShapeName } from './tiny-shapes-world';

export type CaseGroup =
  | 'color_shape'
  | 'guidance_1'
  | 'position'
  | 'two_objects'
  | 'held_out'
  | 'negative_none'
  | 'negative_red'
  | 'concept'
  | 'concept_baseline';

type Pair = readonly [ColorName, ShapeName];

export interface Expectation {
  color?: ColorName;
  shape?: ShapeName;
  position?: string;
  left?: Pair;
  right?: Pair;
}

export interface EvalCase {
  group: CaseGroup;
  prompt: string;
  negative: string;
  seed: number;
  guidance: number;
  /** Needs the heart concept loaded. */
  concept: boolean;
  expect: Expectation;
}

export interface CaseScore {
  ok: boolean;
  color?: boolean;
  shape?: boolean;
  position?: boolean;
  red?: boolean;
}

/**
 * evaluate.cases(quick), in its order and with its prompts (drawn with Python's random.Random(2024)).
 * `seeds` overrides how many seeds each colour–shape prompt gets (evaluate.py: 2, quick 1).
 */
export function evalCases(quick = false, seeds = quick ? 1 : 2): EvalCase[] {
  const rng = new PythonRandom(2024);
  const out: EvalCase[] = [];
  const add = (group: CaseGroup, prompt: string, seed: number, expect: Expectation, extra: Partial<EvalCase> = {}) =>
    out.push({ group, prompt, negative: '', seed, guidance: 7.5, concept: false, expect, ...extra });
  const held = (c: ColorName, s: ShapeName) => HELD_OUT.some(([hc, hs]) => hc === c && hs === s);
  const combos: Pair[] = SHAPES.flatMap((s) => COLOR_NAMES.filter((c) => !held(c, s)).map((c): Pair => [c, s]));
  for (const [c, s] of combos) {
    for (let seed = 0; seed < seeds; seed++) add('color_shape', `a ${c} ${s}`, seed, { color: c, shape: s });
  }
  for (const [c, s] of combos.filter((_, i) => !quick || i % 2 === 0).slice(0, quick ? 24 : 40)) {
    add('guidance_1', `a ${c} ${s}`, 0, { color: c, shape: s }, { guidance: 1 });
  }
  for (const p of POSITIONS) {
    for (let seed = 0; seed < (quick ? 2 : 4); seed++) {
      const [c, s] = rng.choice(combos);
      add('position', `a ${c} ${s} at the ${p}`, 100 + seed, { color: c, shape: s, position: p });
    }
  }
  for (let i = 0; i < (quick ? 12 : 24); i++) {
    const [left, right] = [rng.choice(combos), rng.choice(combos)];
    add('two_objects', `a ${left[0]} ${left[1]} and a ${right[0]} ${right[1]}`, 200 + i, { left, right });
  }
  for (const [c, s] of HELD_OUT) {
    for (let seed = 0; seed < (quick ? 4 : 8); seed++)
      add('held_out', `a ${c} ${s}`, 300 + seed, { color: c, shape: s });
  }
  for (let seed = 0; seed < (quick ? 16 : 32); seed++) {
    add('negative_none', 'a circle', 400 + seed, { shape: 'circle' });
    add('negative_red', 'a circle', 400 + seed, { shape: 'circle' }, { negative: 'red' });
  }
  for (let seed = 0; seed < (quick ? 8 : 16); seed++) {
    add('concept', 'a red heart', 500 + seed, { color: 'red', shape: 'heart' }, { concept: true });
    add('concept_baseline', 'a red heart', 500 + seed, { color: 'red', shape: 'heart' });
  }
  return out;
}

/** evaluate.score: the largest object against the expectation; two-object scenes left to right. */
export function scoreCase(c: EvalCase, found: ShapeAnalysis): CaseScore {
  const { expect: e } = c;
  const objects = found.objects;
  if (c.group === 'two_objects') {
    const two = objects.slice(0, 2).sort((a, b) => a.cx - b.cx);
    const wanted = [e.left, e.right];
    return { ok: two.length === 2 && two.every((o, i) => o.color === wanted[i]?.[0] && o.shape === wanted[i]?.[1]) };
  }
  if (objects.length === 0) return { color: false, shape: false, position: false, ok: false };
  const o = objects[0];
  const r: CaseScore = { ok: false, color: o.color === (e.color ?? o.color), shape: o.shape === e.shape };
  if (e.position !== undefined) r.position = o.position === e.position;
  r.ok = [r.color, r.shape, r.position].every((v) => v !== false);
  r.red = o.color === 'red';
  return r;
}

export interface ScoredCase extends EvalCase {
  found: ShapeAnalysis;
  score: CaseScore;
}

/** The share of true values, rounded to 3 decimals as Python's round() does (half to even); null if none. */
export function share(values: boolean[]): number | null {
  if (values.length === 0) return null;
  const scaled = (values.filter(Boolean).length / values.length) * 1000;
  const floor = Math.floor(scaled);
  const rounded = scaled - floor === 0.5 ? floor + (floor % 2) : Math.round(scaled);
  return rounded / 1000;
}

/** The mean of one score field over one group (a missing field counts as false). */
export function groupMean(results: ScoredCase[], group: CaseGroup, key: keyof CaseScore): number | null {
  return share(results.filter((r) => r.group === group).map((r) => Boolean(r.score[key])));
}

/** evaluate.summarize's fields (the concept ones null when the concept was not run). */
export function summarize(results: ScoredCase[]) {
  const mean = (group: CaseGroup, key: keyof CaseScore) => groupMean(results, group, key);
  const g1Prompts = new Set(results.filter((r) => r.group === 'guidance_1').map((r) => r.prompt));
  const sameAtDefault = results.filter((r) => r.group === 'color_shape' && r.seed === 0 && g1Prompts.has(r.prompt));
  return {
    n_images: results.length,
    color_accuracy: mean('color_shape', 'color'),
    shape_accuracy: mean('color_shape', 'shape'),
    color_and_shape_accuracy: mean('color_shape', 'ok'),
    position_accuracy: mean('position', 'position'),
    position_all_attributes_accuracy: mean('position', 'ok'),
    two_object_accuracy: mean('two_objects', 'ok'),
    held_out_accuracy: mean('held_out', 'ok'),
    held_out_color_accuracy: mean('held_out', 'color'),
    held_out_shape_accuracy: mean('held_out', 'shape'),
    negative_prompt: {
      red_circles_without_negative: mean('negative_none', 'red'),
      red_circles_with_negative_red: mean('negative_red', 'red'),
      circles_with_negative_red: mean('negative_red', 'shape'),
    },
    guidance: {
      g1_color_and_shape: mean('guidance_1', 'ok'),
      'g7.5_color_and_shape_same_prompts': share(sameAtDefault.map((r) => r.score.ok)),
    },
    concept: {
      heart_shape_with_concept: mean('concept', 'shape'),
      red_with_concept: mean('concept', 'color'),
      heart_shape_without_concept: mean('concept_baseline', 'shape'),
    },
  };
}

export type EvalSummary = ReturnType<typeof summarize>;
