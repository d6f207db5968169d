// Where everything of an X/Y plot grid goes, in pixels of the saved image: column labels above, row labels on the
// left, the axis names in the corner, cells enlarged by a whole factor so small images keep sharp pixels. Pure:
// text is measured by the caller's function (a canvas's measureText in the app, a fixed width in tests).

export interface GridLayoutInput {
  columns: number;
  rows: number;
  /** The images' own size. */
  imageWidth: number;
  imageHeight: number;
  xLabels: string[];
  /** One per row; all empty for a one-axis plot (no row-label column then). */
  yLabels: string[];
  /** The corner's caption, e.g. "Scheduler \ Guidance". */
  corner: string;
  measure: (text: string) => number;
}

export interface TextBlock {
  lines: string[];
  /** The block's centre (x) and its first line's middle (y). */
  x: number;
  y: number;
}

export interface GridLayout {
  width: number;
  height: number;
  scale: number;
  cellWidth: number;
  cellHeight: number;
  cells: { column: number; row: number; left: number; top: number }[];
  columnLabels: TextBlock[];
  rowLabels: TextBlock[];
  corner: TextBlock | null;
  lineHeight: number;
}

/** Cells are enlarged until their longer side reaches this (a 64 px image is unreadable in a grid). */
export const MIN_CELL_SIDE = 256;
export const LINE_HEIGHT = 22;
const PADDING = 10;
const GAP = 4;
const MAX_ROW_LABEL_WIDTH = 240;

/** Breaks text into lines no wider than `width`, at spaces where it can, inside words where it must. */
export function wrapText(text: string, width: number, measure: (text: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (measure(candidate) <= width) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    while (measure(line) > width && line.length > 1) {
      let cut = line.length - 1;
      while (cut > 1 && measure(line.slice(0, cut)) > width) cut--;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line) lines.push(line);
  return lines.length > 0 ? lines : [''];
}

export function layoutGrid(input: GridLayoutInput): GridLayout {
  const { columns, rows, imageWidth, imageHeight, measure } = input;
  const scale = Math.max(1, Math.ceil(MIN_CELL_SIDE / Math.max(imageWidth, imageHeight)));
  const cellWidth = imageWidth * scale;
  const cellHeight = imageHeight * scale;
  const hasRows = input.yLabels.some((label) => label.length > 0);
  const widest = Math.max(0, ...input.yLabels.map(measure), measure(input.corner));
  const rowLabelWidth = hasRows ? Math.min(MAX_ROW_LABEL_WIDTH, Math.ceil(widest)) + 2 * PADDING : 0;

  const wrapWidth = cellWidth - 2 * PADDING;
  const columnLines = input.xLabels.map((label) => wrapText(label, wrapWidth, measure));
  const headerLines = Math.max(1, ...columnLines.map((lines) => lines.length));
  const headerHeight = headerLines * LINE_HEIGHT + 2 * PADDING;

  const gridLeft = rowLabelWidth;
  const gridTop = headerHeight;
  const left = (column: number) => gridLeft + column * (cellWidth + GAP);
  const top = (row: number) => gridTop + row * (cellHeight + GAP);

  const cells = [];
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) cells.push({ column, row, left: left(column), top: top(row) });
  }
  const columnLabels = columnLines.map((lines, column) => ({
    lines,
    x: left(column) + cellWidth / 2,
    // Bottom-aligned above the cells: short labels sit next to the picture they name.
    y: gridTop - PADDING - (lines.length - 0.5) * LINE_HEIGHT,
  }));
  const rowLabels = hasRows
    ? input.yLabels.map((label, row) => {
        const lines = wrapText(label, rowLabelWidth - 2 * PADDING, measure);
        return { lines, x: rowLabelWidth / 2, y: top(row) + cellHeight / 2 - ((lines.length - 1) * LINE_HEIGHT) / 2 };
      })
    : [];
  const corner =
    hasRows && input.corner
      ? {
          lines: wrapText(input.corner, rowLabelWidth - 2 * PADDING, measure),
          x: rowLabelWidth / 2,
          y: PADDING + LINE_HEIGHT / 2,
        }
      : null;
  return {
    width: gridLeft + columns * cellWidth + (columns - 1) * GAP,
    height: gridTop + rows * cellHeight + (rows - 1) * GAP,
    scale,
    cellWidth,
    cellHeight,
    cells,
    columnLabels,
    rowLabels,
    corner,
    lineHeight: LINE_HEIGHT,
  };
}
