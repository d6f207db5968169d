// 2D signed distance functions of the tiny-shapes world (after Inigo Quilez's), as world.py writes them in torch.
// p is relative to the object's bounding-box centre, y pointing up; s is the object's extent in pixels.
// world.py computes in float32, this in doubles: the coverage masks agree bit for bit on analysis.py's templates
// (tested) and on 300 random objects checked once against world.render (no boundary pixel sits within float32
// rounding of the threshold).
import type { ShapeName } from './tiny-shapes-world';

const hypot = (x: number, y: number) => Math.sqrt(x * x + y * y);

function sdCircle(px: number, py: number, s: number): number {
  return hypot(px, py) - s / 2;
}

function sdSquare(px: number, py: number, s: number): number {
  const h = s / 2;
  const [dx, dy] = [Math.abs(px) - h, Math.abs(py) - h];
  return hypot(Math.max(dx, 0), Math.max(dy, 0)) + Math.min(Math.max(dx, dy), 0);
}

function sdTriangle(px: number, py: number, s: number): number {
  const r = s / 2; // half side of an equilateral triangle pointing up
  const k = Math.sqrt(3);
  let x = Math.abs(px) - r;
  let y = py + r / (2 * k) + r / k; // bounding-box centre -> centroid, then the IQ frame
  if (x + k * y > 0) [x, y] = [(x - k * y) / 2, (-k * x - y) / 2];
  x -= Math.min(Math.max(x, -2 * r), 0);
  return -hypot(x, y) * Math.sign(y);
}

const STAR_RF = 0.45;
const [K1X, K1Y] = [0.809016994375, -0.587785252292];
const [BAX, BAY] = [STAR_RF * -K1Y, STAR_RF * K1X - 1];

function sdStar(px: number, py: number, s: number): number {
  const r = s / 2;
  let x = Math.abs(px);
  let y = py + 0.0955 * r; // bounding-box centre -> star centre
  let d = 2 * Math.max(K1X * x + K1Y * y, 0);
  [x, y] = [x - d * K1X, y - d * K1Y];
  d = 2 * Math.max(-K1X * x + K1Y * y, 0);
  [x, y] = [x + d * K1X, y - d * K1Y];
  x = Math.abs(x);
  y -= r;
  const h = Math.min(Math.max((x * BAX + y * BAY) / (BAX * BAX + BAY * BAY), 0), r);
  return hypot(x - BAX * h, y - BAY * h) * Math.sign(y * BAX - x * BAY);
}

function sdRing(px: number, py: number, s: number): number {
  return Math.abs(hypot(px, py) - 0.4 * s) - 0.1 * s;
}

function sdHeart(px: number, py: number, s: number): number {
  const k = s / 1.2071; // the unit heart is 1.2071 wide, 1.1036 high, tip at the origin
  const x = Math.abs(px) / k;
  const y = py / k + 0.5518;
  if (x + y > 1) return (hypot(x - 0.25, y - 0.75) - Math.SQRT2 / 4) * k;
  const m = 0.5 * Math.max(x + y, 0);
  return Math.sqrt(Math.min(x * x + (y - 1) ** 2, (x - m) ** 2 + (y - m) ** 2)) * Math.sign(x - y) * k;
}

export const SIGNED_DISTANCE: Record<ShapeName, (px: number, py: number, s: number) => number> = {
  circle: sdCircle,
  square: sdSquare,
  triangle: sdTriangle,
  star: sdStar,
  ring: sdRing,
  heart: sdHeart,
};

/**
 * world.render's mask of one object on a size×size image at scale 1 (pixel centres at +0.5): the pixels whose
 * anti-aliased coverage clamp(0.5 − sd, 0, 1) exceeds one half, as analysis.py thresholds its templates.
 */
export function renderShapeMask(shape: ShapeName, cx: number, cy: number, s: number, size: number): Uint8Array {
  const sd = SIGNED_DISTANCE[shape];
  const mask = new Uint8Array(size * size);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      mask[row * size + col] = 0.5 - sd(col + 0.5 - cx, cy - (row + 0.5), s) > 0.5 ? 1 : 0;
    }
  }
  return mask;
}
