// Draws a finished X/Y plot as one picture (layout from xy-grid-layout.ts): white page, dark labels, the cells
// enlarged without smoothing so small images keep sharp pixels. Returns the PNG as base64 for gallery.savePlot.
import { layoutGrid } from './xy-grid-layout';

const FONT = '16px system-ui, -apple-system, "Segoe UI", sans-serif';

export interface GridImageInput {
  urls: string[][];
  imageWidth: number;
  imageHeight: number;
  xLabels: string[];
  yLabels: string[];
  corner: string;
}

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error(`Could not load ${url.split('?')[0]}`));
    image.src = url;
  });
}

export async function drawPlotGrid(input: GridImageInput): Promise<string> {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('No 2D canvas here');
  ctx.font = FONT;
  const layout = layoutGrid({
    columns: input.urls[0].length,
    rows: input.urls.length,
    imageWidth: input.imageWidth,
    imageHeight: input.imageHeight,
    xLabels: input.xLabels,
    yLabels: input.yLabels,
    corner: input.corner,
    measure: (text) => ctx.measureText(text).width,
  });
  const images = await Promise.all(input.urls.map((row) => Promise.all(row.map(loadImage))));
  canvas.width = layout.width;
  canvas.height = layout.height;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.imageSmoothingEnabled = layout.scale === 1;
  for (const cell of layout.cells) {
    ctx.drawImage(images[cell.row][cell.column], cell.left, cell.top, layout.cellWidth, layout.cellHeight);
  }
  // Setting the canvas size reset its state: the font again.
  ctx.font = FONT;
  ctx.fillStyle = '#1b1d23';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (const block of [...layout.columnLabels, ...layout.rowLabels, ...(layout.corner ? [layout.corner] : [])]) {
    block.lines.forEach((line, i) => ctx.fillText(line, block.x, block.y + i * layout.lineHeight));
  }
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('The grid could not be encoded as PNG');
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
