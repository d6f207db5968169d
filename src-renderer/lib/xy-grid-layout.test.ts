import { describe, expect, test } from 'vitest';
import { LINE_HEIGHT, layoutGrid, wrapText } from './xy-grid-layout';

/** A fixed-width font: 10 px a character. */
const measure = (text: string) => text.length * 10;

describe('wrapping labels', () => {
  test('breaks at spaces, keeps short text whole', () => {
    expect(wrapText('Guidance: 7.5', 200, measure)).toEqual(['Guidance: 7.5']);
    expect(wrapText('a red circle on a blue square', 120, measure)).toEqual(['a red circle', 'on a blue', 'square']);
  });
  test('a word longer than the line is cut', () => {
    expect(wrapText('abcdefghijkl', 50, measure)).toEqual(['abcde', 'fghij', 'kl']);
  });
});

describe('the grid of a 2 × 3 plot of 128 px images', () => {
  const layout = layoutGrid({
    columns: 2,
    rows: 3,
    imageWidth: 128,
    imageHeight: 128,
    xLabels: ['Guidance: 3', 'Guidance: 9'],
    yLabels: ['PNDM', 'Euler', 'DPM++ 2M Karras'],
    corner: 'Scheduler \\ Guidance',
    measure,
  });

  test('cells are enlarged by a whole factor to 256 px and placed row by row with gaps', () => {
    expect(layout.scale).toBe(2);
    expect([layout.cellWidth, layout.cellHeight]).toEqual([256, 256]);
    // The row-label column fits the widest label (the corner's 20 characters) plus padding on both sides.
    const rowLabelWidth = 200 + 20;
    const headerHeight = LINE_HEIGHT + 20;
    expect(layout.cells.slice(0, 3)).toEqual([
      { column: 0, row: 0, left: rowLabelWidth, top: headerHeight },
      { column: 1, row: 0, left: rowLabelWidth + 256 + 4, top: headerHeight },
      { column: 0, row: 1, left: rowLabelWidth, top: headerHeight + 256 + 4 },
    ]);
    expect(layout.width).toBe(rowLabelWidth + 2 * 256 + 4);
    expect(layout.height).toBe(headerHeight + 3 * 256 + 2 * 4);
  });

  test('column labels are centred over their cells, row labels beside theirs', () => {
    expect(layout.columnLabels.map((l) => [l.lines, l.x])).toEqual([
      [['Guidance: 3'], 220 + 128],
      [['Guidance: 9'], 220 + 260 + 128],
    ]);
    expect(layout.rowLabels.map((l) => [l.lines, l.y])).toEqual([
      [['PNDM'], 42 + 128],
      [['Euler'], 42 + 260 + 128],
      [['DPM++ 2M Karras'], 42 + 520 + 128],
    ]);
    expect(layout.corner?.lines).toEqual(['Scheduler \\ Guidance']);
  });
});

test('row labels past the widest row-label column wrap and stay centred on their row', () => {
  const layout = layoutGrid({
    columns: 1,
    rows: 1,
    imageWidth: 256,
    imageHeight: 256,
    xLabels: ['x'],
    yLabels: ['a very long prompt replacement that cannot fit'],
    corner: '',
    measure,
  });
  // Text 240 px wide at most (plus padding): 24 characters a line.
  expect(layout.rowLabels[0].lines).toEqual(['a very long prompt', 'replacement that cannot', 'fit']);
  expect(layout.rowLabels[0].y).toBe(layout.cells[0].top + 128 - LINE_HEIGHT);
});

test('a one-axis plot has no row-label column and no corner', () => {
  const layout = layoutGrid({
    columns: 3,
    rows: 1,
    imageWidth: 512,
    imageHeight: 384,
    xLabels: ['red', 'green', 'blue'],
    yLabels: [''],
    corner: 'Prompt S/R',
    measure,
  });
  expect(layout.scale).toBe(1);
  expect(layout.rowLabels).toEqual([]);
  expect(layout.corner).toBeNull();
  expect(layout.cells[0].left).toBe(0);
  expect(layout.width).toBe(3 * 512 + 2 * 4);
});
