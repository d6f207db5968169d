// The evaluation as a table: each number next to its target (the model card's), and whether it met it.
import { CLEAN_IOU } from './rough-blobs';
import type { EvalReport } from './run-evaluation';

export interface ReportRow {
  metric: string;
  value: string;
  target: string;
  /** 'yes' / 'NO' where there is a target, '' otherwise. */
  met: string;
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const atLeast = (metric: string, x: number | null, target: number): ReportRow => ({
  metric,
  value: pct(x),
  target: `≥ ${target * 100}%`,
  met: x === null ? '' : x >= target ? 'yes' : 'NO',
});
const info = (metric: string, value: string): ReportRow => ({ metric, value, target: '', met: '' });

export function reportRows(report: EvalReport): ReportRow[] {
  const { summary: s, img2img: i } = report;
  const neg = s.negative_prompt;
  const fewerRed =
    neg.red_circles_with_negative_red !== null && neg.red_circles_without_negative !== null
      ? neg.red_circles_with_negative_red < neg.red_circles_without_negative
      : null;
  const g = s.guidance;
  return [
    atLeast('colour accuracy', s.color_accuracy, 0.9),
    atLeast('shape accuracy', s.shape_accuracy, 0.8),
    info('colour and shape', pct(s.color_and_shape_accuracy)),
    atLeast('position accuracy', s.position_accuracy, 0.85),
    info('position, all attributes', pct(s.position_all_attributes_accuracy)),
    info('two objects (both right, left to right)', pct(s.two_object_accuracy)),
    atLeast('held-out combinations', s.held_out_accuracy, 0.6),
    info('held-out colour / shape', `${pct(s.held_out_color_accuracy)} / ${pct(s.held_out_shape_accuracy)}`),
    {
      metric: 'red circles: no negative → negative "red"',
      value: `${pct(neg.red_circles_without_negative)} → ${pct(neg.red_circles_with_negative_red)}`,
      target: 'fewer',
      met: fewerRed === null ? '' : fewerRed ? 'yes' : 'NO',
    },
    info('circles with negative "red"', pct(neg.circles_with_negative_red)),
    info(
      'colour and shape: guidance 1 vs 7.5',
      `${pct(g.g1_color_and_shape)} vs ${pct(g['g7.5_color_and_shape_same_prompts'])}`,
    ),
    info(`img2img (strength ${i.strength}): sketch colour kept`, pct(i.color_kept)),
    info('img2img: sketch place kept', pct(i.place_kept)),
    info(`img2img: clean shape (right shape, IoU ≥ ${CLEAN_IOU})`, pct(i.clean_shape)),
    info(
      'img2img: shape IoU sketch → output (txt2img)',
      `${i.mean_iou_sketch.toFixed(3)} → ${i.mean_iou_output.toFixed(3)} (${i.mean_iou_txt2img_same_shapes?.toFixed(3) ?? '–'})`,
    ),
    report.skipped.concept
      ? { metric: 'heart concept', value: 'skipped', target: '≥ 70%', met: '' }
      : atLeast('heart concept: heart-shaped with the concept', s.concept.heart_shape_with_concept, 0.7),
    info(
      'heart concept: red / heart-shaped without it',
      `${pct(s.concept.red_with_concept)} / ${pct(s.concept.heart_shape_without_concept)}`,
    ),
  ];
}

export function formatTable(rows: ReportRow[]): string {
  const header: ReportRow = { metric: 'metric', value: 'value', target: 'target', met: 'met' };
  const keys = ['metric', 'value', 'target', 'met'] as const;
  const widths = keys.map((k) => Math.max(...[header, ...rows].map((r) => r[k].length)));
  const line = (r: ReportRow) => '| ' + keys.map((k, i) => r[k].padEnd(widths[i])).join(' | ') + ' |';
  const rule = '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|';
  return [line(header), rule, ...rows.map(line)].join('\n');
}
