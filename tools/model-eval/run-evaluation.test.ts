// The evaluation's wiring, with a "perfect model" that draws what the prompt says with the world's own shapes.
import { describe, expect, it } from 'vitest';
import type { GenerateParams } from '../../src-main/engine';
import { formatTable, reportRows } from './eval-report';
import { runEvaluation } from './run-evaluation';
import { GRID_PROMPTS, GRID_SEEDS } from './sample-grid';
import { analyseShapes } from './shape-analysis';
import { renderShapeMask } from './shape-sdf';
import { COLORS, IMAGE_SIZE, POSITIONS, type ColorName, type ShapeName } from './tiny-shapes-world';

interface Drawn {
  shape: ShapeName;
  color: ColorName;
  cx: number;
  cy: number;
}

function paint(objects: Drawn[]) {
  const background = (['white', 'black', 'gray'] as const).find((c) => objects.every((o) => o.color !== c))!;
  const rgb = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3);
  for (let i = 0; i < IMAGE_SIZE * IMAGE_SIZE; i++) rgb.set(COLORS[background], i * 3);
  for (const o of objects) {
    const mask = renderShapeMask(o.shape, o.cx, o.cy, 30, IMAGE_SIZE);
    mask.forEach((m, i) => m && rgb.set(COLORS[o.color], i * 3));
  }
  return { rgb, width: IMAGE_SIZE, height: IMAGE_SIZE };
}

const cellCentre = (position: string) => {
  const i = POSITIONS.indexOf(position as (typeof POSITIONS)[number]);
  return { cx: ((i % 3) + 0.5) * (IMAGE_SIZE / 3), cy: (Math.floor(i / 3) + 0.5) * (IMAGE_SIZE / 3) };
};

/** Obeys the prompt; ignores it at guidance 1; an unnamed colour is red unless the negative prompt says red. */
async function perfectModel(params: GenerateParams) {
  if (params.guidance === 1) return paint([]);
  const [first, second] = params.prompt.split(' and ');
  const parse = (text: string) => {
    const words = text.replace(/^a (large |small )?/, '').split(' ');
    const color = (words[0] in COLORS ? words.shift() : params.negative === 'red' ? 'blue' : 'red') as ColorName;
    return { color, shape: words[0] as ShapeName, at: / at the (.+?)( on |$)/.exec(text)?.[1] };
  };
  if (params.initImage) {
    const { data: rgb, width, height } = params.initImage;
    const blob = analyseShapes({ rgb, width, height }).objects[0];
    return paint([{ ...parse(params.prompt), color: blob.color, cx: blob.cx, cy: blob.cy }]);
  }
  if (second)
    return paint([
      { ...parse(first), cx: 32, cy: 64 },
      { ...parse(second), cx: 96, cy: 64 },
    ]);
  const one = parse(first);
  return paint([{ ...one, ...cellCentre(one.at ?? 'center') }]);
}

describe('runEvaluation', () => {
  it('scores a perfect model perfectly and an unguided one not at all', async () => {
    const jobs: GenerateParams[] = [];
    const report = await runEvaluation(
      (params) => {
        jobs.push(params);
        return perfectModel(params);
      },
      { quick: true, grid: true },
    );
    const s = report.summary;
    expect([
      s.color_accuracy,
      s.shape_accuracy,
      s.position_accuracy,
      s.two_object_accuracy,
      s.held_out_accuracy,
    ]).toEqual([1, 1, 1, 1, 1]);
    expect(s.negative_prompt).toEqual({
      red_circles_without_negative: 1,
      red_circles_with_negative_red: 0,
      circles_with_negative_red: 1,
    });
    expect(s.guidance).toEqual({ g1_color_and_shape: 0, 'g7.5_color_and_shape_same_prompts': 1 });
    expect(report.img2img).toMatchObject({ color_kept: 1, place_kept: 1, clean_shape: 1, strength: 0.6 });
    expect(report.img2img.mean_iou_sketch).toBeLessThan(report.img2img.mean_iou_output);
    expect(report.skipped.concept).toMatch(/concept/);
    expect(jobs.every((j) => j.steps === 20 && j.scheduler === undefined && (j.batch ?? 1) === 1)).toBe(true);
    expect(jobs.filter((j) => j.initImage).every((j) => j.strength === 0.6)).toBe(true);
    expect(report.grid).toMatchObject({ width: 10 * 128 + 9 * 2, height: 4 * 128 + 3 * 2 });
    expect(jobs.length).toBe(
      report.cases.length + report.img2imgCases.length + GRID_PROMPTS.length * GRID_SEEDS.length,
    );

    const table = formatTable(reportRows(report));
    expect(table).toMatch(/colour accuracy +\| 100\.0% +\| ≥ 90% +\| yes/);
    expect(table).toMatch(/heart concept +\| skipped/);
  });
});
