import { describe, expect, test } from 'vitest';
import type { GenerateRequest } from '../../src-main/shared/generation';
import { parseAxisValues, type XyAxisKind, type XyAxisValues } from '../../src-main/shared/xy-axis-values';
import { MAX_PLOT_CELLS, planPlot, type PlotPlan } from './xy-plan';

const base: GenerateRequest = {
  model: 'tiny-shapes',
  prompt: 'a red circle on a red square',
  negative: 'red noise',
  steps: 20,
  guidance: 7.5,
  scheduler: 'pndm',
  width: 128,
  height: 128,
  batch: 4,
  previewEvery: 1,
};

const axis = (kind: XyAxisKind, text: string): XyAxisValues => {
  const parsed = parseAxisValues(kind, text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.axis;
};
const plan = (x: XyAxisValues, y: XyAxisValues | null, request = base): PlotPlan => {
  const planned = planPlot(request, x, y, '1234');
  if (!planned.ok) throw new Error(planned.error);
  return planned.plan;
};

describe('cells × settings', () => {
  test('guidance × scheduler: 2 columns, 3 rows, row by row, each cell one image at the shared seed', () => {
    const p = plan(axis('guidance', '3, 9'), axis('scheduler', 'pndm, euler, ddim'));
    expect(p.cells.map((c) => [c.x, c.y, c.request.guidance, c.request.scheduler])).toEqual([
      [0, 0, 3, 'pndm'],
      [1, 0, 9, 'pndm'],
      [0, 1, 3, 'euler'],
      [1, 1, 9, 'euler'],
      [0, 2, 3, 'ddim'],
      [1, 2, 9, 'ddim'],
    ]);
    for (const cell of p.cells) {
      expect(cell.request).toMatchObject({
        seed: '1234',
        batch: 1,
        steps: 20,
        prompt: base.prompt,
        model: 'tiny-shapes',
      });
      expect(cell.request.previewEvery).toBeUndefined();
    }
    expect(p.xLabels).toEqual(['Guidance: 3', 'Guidance: 9']);
    expect(p.yLabels).toEqual(['PNDM', 'Euler', 'DDIM']);
  });

  test('the form’s own seed wins over the drawn one; a seed axis wins over both', () => {
    expect(plan(axis('steps', '5'), null, { ...base, seed: '77' }).cells[0].request.seed).toBe('77');
    expect(plan(axis('seed', '5-6'), null, { ...base, seed: '77' }).cells.map((c) => c.request.seed)).toEqual([
      '5',
      '6',
    ]);
  });

  test('one axis: a single row without a row label', () => {
    const p = plan(axis('steps', '10-30 (+10)'), null);
    expect(p.cells.map((c) => [c.x, c.y, c.request.steps])).toEqual([
      [0, 0, 10],
      [1, 0, 20],
      [2, 0, 30],
    ]);
    expect(p.yLabels).toEqual(['']);
  });

  test('prompt S/R replaces every occurrence in prompt and negative; the first value keeps the prompt', () => {
    const p = plan(axis('prompt', 'red, green, "deep blue"'), null);
    expect(p.cells.map((c) => [c.request.prompt, c.request.negative])).toEqual([
      ['a red circle on a red square', 'red noise'],
      ['a green circle on a green square', 'green noise'],
      ['a deep blue circle on a deep blue square', 'deep blue noise'],
    ]);
    expect(p.xLabels).toEqual(['red', 'green', 'deep blue']);
  });
});

describe('plans that cannot run say why', () => {
  const refused = (x: XyAxisValues, y: XyAxisValues | null, request = base) => {
    const planned = planPlot(request, x, y, '1');
    return planned.ok ? null : planned.error;
  };

  test('the same setting on both axes', () => {
    expect(refused(axis('steps', '1, 2'), axis('steps', '3'))).toBe(
      'X and Y are both Steps: pick two different settings',
    );
  });
  test('a search term the prompt lacks', () => {
    expect(refused(axis('prompt', 'purple, green'), null)).toBe('Prompt S/R: "purple" is not in the prompt');
  });
  test('strength without an init image', () => {
    expect(refused(axis('strength', '0.5, 1'), null)).toMatch(/^Strength is an img2img setting/);
    const img2img = { ...base, initImage: { pngBase64: 'AAAA' }, strength: 0.75 };
    expect(plan(axis('strength', '0.5, 1'), null, img2img).cells.map((c) => c.request.strength)).toEqual([0.5, 1]);
  });
  test('too many cells', () => {
    expect(refused(axis('seed', '1-20'), axis('steps', '1-6'))).toBe(
      `120 cells; a plot holds at most ${MAX_PLOT_CELLS}`,
    );
  });
});
