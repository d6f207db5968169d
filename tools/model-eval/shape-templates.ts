// Shape classification by IoU against bounding-box-normalised templates, as analysis.py's classify_shape does it.
import { renderShapeMask } from './shape-sdf';
import { ALL_SHAPES, IMAGE_SIZE, type ShapeName } from './tiny-shapes-world';

/** Side of the normalised masks. */
export const TEMPLATE_SIZE = 32;
// analysis.py renders each template centred, 110 px wide, on the 128-px canvas.
const TEMPLATE_EXTENT = 110;

/** A 0/1 mask, row-major. */
export interface Mask {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Crops the mask to its bounding box and samples it to TEMPLATE_SIZE² by nearest neighbour at cell centres
 * (numpy: `crop[((arange(32) + 0.5) * h / 32).astype(int)]`). The mask must not be empty.
 */
export function normaliseMask(mask: Mask): Uint8Array {
  const { data, width, height } = mask;
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!data[y * width + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (x1 < 0) throw new Error('normaliseMask: empty mask');
  const [w, h] = [x1 - x0 + 1, y1 - y0 + 1];
  const out = new Uint8Array(TEMPLATE_SIZE * TEMPLATE_SIZE);
  for (let i = 0; i < TEMPLATE_SIZE; i++) {
    const y = y0 + Math.trunc(((i + 0.5) * h) / TEMPLATE_SIZE);
    for (let j = 0; j < TEMPLATE_SIZE; j++) {
      const x = x0 + Math.trunc(((j + 0.5) * w) / TEMPLATE_SIZE);
      out[i * TEMPLATE_SIZE + j] = data[y * width + x];
    }
  }
  return out;
}

let templates: Uint8Array[] | null = null;

/** analysis.py's templates, in ALL_SHAPES order (rendered once, on first use). */
export function shapeTemplates(): Uint8Array[] {
  templates ??= ALL_SHAPES.map((shape) =>
    normaliseMask({
      data: renderShapeMask(shape, IMAGE_SIZE / 2, IMAGE_SIZE / 2, TEMPLATE_EXTENT, IMAGE_SIZE),
      width: IMAGE_SIZE,
      height: IMAGE_SIZE,
    }),
  );
  return templates;
}

export interface ShapeMatch {
  shape: ShapeName;
  /** Intersection over union with the best template, 0…1. */
  iou: number;
}

/** The template with the highest IoU; the first in ALL_SHAPES order on a tie (numpy's argmax). */
export function classifyShape(mask: Mask): ShapeMatch {
  const m = normaliseMask(mask);
  let best: ShapeMatch = { shape: ALL_SHAPES[0], iou: -1 };
  shapeTemplates().forEach((template, index) => {
    let inter = 0;
    let union = 0;
    for (let i = 0; i < m.length; i++) {
      inter += template[i] & m[i];
      union += template[i] | m[i];
    }
    const iou = inter / union;
    if (iou > best.iou) best = { shape: ALL_SHAPES[index], iou };
  });
  return best;
}
