import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { evalCases, scoreCase, share, summarize, type ScoredCase } from './eval-cases';

// What evaluate.py's cases() gives (Python 3.11.2, models/tiny-shapes/train/evaluate.py): the count per group and
// sha256 of "group|prompt|negative|seed|guidance" lines joined by "\n" (guidance as Python's str(float)).
const PYTHON = {
  full: { n: 314, sha256: '3ce884c4cec41af1bc37498cb379c84dfad182ec3babdd4ed2886c40df8d5c5a' },
  quick: { n: 161, sha256: '97a0d4a00575241238f888c76bea0ad31acf5dd7b9e73f52fecd1818f0582a4c' },
};

function digest(quick: boolean): string {
  const lines = evalCases(quick).map((c) =>
    [c.group, c.prompt, c.negative, c.seed, Number.isInteger(c.guidance) ? c.guidance.toFixed(1) : c.guidance].join(
      '|',
    ),
  );
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

const found = (objects: { color: string; shape: string; position: string; cx: number }[]) =>
  ({ background: 'white', objects: objects.map((o) => ({ ...o, cy: 64, area: 100 })) }) as ScoredCase['found'];

describe('evaluation grid (evaluate.py)', () => {
  it('reproduces evaluate.py’s cases, prompts and seeds exactly', () => {
    expect(evalCases(false)).toHaveLength(PYTHON.full.n);
    expect(digest(false)).toBe(PYTHON.full.sha256);
    expect(evalCases(true)).toHaveLength(PYTHON.quick.n);
    expect(digest(true)).toBe(PYTHON.quick.sha256);
    expect(evalCases(false, 3).filter((c) => c.group === 'color_shape')).toHaveLength(47 * 3);
  });

  it('scores like evaluate.score', () => {
    const [position] = evalCases().filter((c) => c.group === 'position');
    const o = { color: position.expect.color!, shape: position.expect.shape!, position: 'top left', cx: 20 };
    expect(scoreCase(position, found([o]))).toEqual({ ok: true, color: true, shape: true, position: true, red: false });
    expect(scoreCase(position, found([{ ...o, position: 'center' }])).ok).toBe(false);
    expect(scoreCase(position, found([]))).toEqual({ ok: false, color: false, shape: false, position: false });
    const two = evalCases().find((c) => c.group === 'two_objects')!;
    const [left, right] = [two.expect.left!, two.expect.right!];
    const l = { color: left[0], shape: left[1], position: 'left', cx: 30 };
    const r = { color: right[0], shape: right[1], position: 'right', cx: 90 };
    expect(scoreCase(two, found([r, l])).ok).toBe(true); // order by x, not by size
    expect(scoreCase(two, found([l])).ok).toBe(false);
  });

  it('summarises with Python’s rounding', () => {
    expect(share([true, false, false])).toBe(0.333);
    expect(share(Array.from({ length: 16 }, (_, i) => i === 0))).toBe(0.062); // 0.0625: half to even
    expect(share([])).toBeNull();
    const cases = evalCases(true).filter((c) => c.group === 'color_shape' || c.group === 'guidance_1');
    const results = cases.map((c) => ({ ...c, found: found([]), score: { ok: c.group === 'color_shape' } }));
    const summary = summarize(results);
    expect(summary.color_and_shape_accuracy).toBe(1);
    expect(summary.guidance).toEqual({ g1_color_and_shape: 0, 'g7.5_color_and_shape_same_prompts': 1 });
    expect(summary.concept.heart_shape_with_concept).toBeNull();
  });
});
