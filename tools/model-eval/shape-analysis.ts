// Scores generated tiny-shapes images: a port of models/tiny-shapes/train/analysis.py's describe(), decision for
// decision. Background = median border colour; object mask = pixels far from it; objects = 4-connected
// components; colour = mean interior colour -> nearest palette colour; position = bounding-box centre -> 3×3 cell;
// shape = best IoU against bounding-box-normalised templates.
import { connectedComponents } from './connected-components';
import { classifyShape } from './shape-templates';
import { COLOR_NAMES, COLORS, POSITIONS, type ColorName, type PositionName, type ShapeName } from './tiny-shapes-world';

/** RGB distance from the background colour that counts as object. */
export const MASK_DISTANCE = 60;
/** Pixels; smaller components are noise. */
export const MIN_AREA = 30;
/** analysis.py looks at the three largest components. */
const MAX_OBJECTS = 3;
const BORDER = 2;

export interface RgbImage {
  /** 8-bit RGB, row-major, top row first. */
  rgb: Uint8Array;
  width: number;
  height: number;
}

export interface FoundObject {
  color: ColorName;
  shape: ShapeName;
  position: PositionName;
  /** Bounding-box centre in pixels (x right, y down). */
  cx: number;
  cy: number;
  /** Pixels in the component. */
  area: number;
}

export interface ShapeAnalysis {
  background: ColorName;
  /** Largest first, at most three. */
  objects: FoundObject[];
}

/** A found object with what the evaluation needs beyond analysis.py's fields. */
export interface DetailedObject extends FoundObject {
  /** IoU of the normalised mask with the chosen shape's template. */
  shapeIou: number;
}

export function analyseShapes(image: RgbImage): ShapeAnalysis {
  const { background, objects } = analyseShapesDetailed(image);
  return { background, objects: objects.map(({ shapeIou: _, ...plain }) => plain) };
}

export function analyseShapesDetailed(image: RgbImage): { background: ColorName; objects: DetailedObject[] } {
  const { rgb, width, height } = image;
  const bg = borderMedian(image);
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) {
    const [dr, dg, db] = [rgb[i * 3] - bg[0], rgb[i * 3 + 1] - bg[1], rgb[i * 3 + 2] - bg[2]];
    // Exact in float32 too (bg is a multiple of ½), so this is analysis.py's sqrt(...) > 60.
    mask[i] = dr * dr + dg * dg + db * db > MASK_DISTANCE * MASK_DISTANCE ? 1 : 0;
  }
  const objects = connectedComponents(mask, width, height, MIN_AREA)
    .slice(0, MAX_OBJECTS)
    .map(({ pixels }): DetailedObject => {
      const component = new Uint8Array(width * height);
      let [x0, y0, x1, y1] = [width, height, -1, -1];
      for (const p of pixels) {
        component[p] = 1;
        const [x, y] = [p % width, Math.floor(p / width)];
        [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
      }
      const [cx, cy] = [(x0 + x1 + 1) / 2, (y0 + y1 + 1) / 2];
      const cell = Math.min(Math.trunc((cy * 3) / height), 2) * 3 + Math.min(Math.trunc((cx * 3) / width), 2);
      const { shape, iou } = classifyShape({ data: component, width, height });
      return {
        color: nearestColor(meanInteriorColor(rgb, component, pixels, width, height)),
        shape,
        position: POSITIONS[cell],
        cx,
        cy,
        area: pixels.length,
        shapeIou: iou,
      };
    });
  return { background: nearestColor(bg), objects };
}

/** Per channel, the median of the two outermost rows and columns (corners counted twice, as numpy concatenates). */
function borderMedian({ rgb, width, height }: RgbImage): [number, number, number] {
  const histograms = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  const count = (x: number, y: number) => {
    for (let c = 0; c < 3; c++) histograms[c][rgb[(y * width + x) * 3 + c]]++;
  };
  for (let k = 0; k < BORDER; k++) {
    for (let x = 0; x < width; x++) [k, height - BORDER + k].forEach((y) => count(x, y));
    for (let y = 0; y < height; y++) [k, width - BORDER + k].forEach((x) => count(x, y));
  }
  const n = 2 * BORDER * (width + height);
  const nth = (h: Uint32Array, k: number) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) if ((seen += h[v]) > k) return v;
    return 255;
  };
  // numpy's median of an even count is the mean of the two middle values.
  const median = (h: Uint32Array) => (n % 2 ? nth(h, (n - 1) / 2) : (nth(h, n / 2 - 1) + nth(h, n / 2)) / 2);
  return [median(histograms[0]), median(histograms[1]), median(histograms[2])];
}

/** Mean colour of the component eroded by one pixel (the image edge does not erode), or of all of it if the
 * eroded part has fewer than 5 pixels. float32 like numpy: the sums are exact integers, the division rounds. */
function meanInteriorColor(rgb: Uint8Array, m: Uint8Array, pixels: Int32Array, width: number, height: number) {
  const inside = (p: number) => {
    const x = p % width;
    return (
      (p < width || m[p - width] === 1) &&
      (p >= (height - 1) * width || m[p + width] === 1) &&
      (x === 0 || m[p - 1] === 1) &&
      (x === width - 1 || m[p + 1] === 1)
    );
  };
  const inner = pixels.filter(inside);
  const chosen = inner.length >= 5 ? inner : pixels;
  const sum = [0, 0, 0];
  for (const p of chosen) for (let c = 0; c < 3; c++) sum[c] += rgb[p * 3 + c];
  return sum.map((s) => Math.fround(s / chosen.length));
}

/** The palette colour nearest in RGB; the first in world.py's order on a tie (numpy's argmin). */
export function nearestColor(rgb: readonly number[]): ColorName {
  let best: ColorName = COLOR_NAMES[0];
  let bestDistance = Infinity;
  for (const name of COLOR_NAMES) {
    const d = COLORS[name].reduce((sum, v, c) => sum + (v - rgb[c]) ** 2, 0);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}
