// Rough, hand-drawn-like blobs as img2img init images: a shape's outline in polar form with a wobbly radius,
// off-centre in its cell, filled with hard edges in an uneven colour, as a quick mouse sketch would be.
import { PythonRandom } from './python-random';
import type { RgbImage } from './shape-analysis';
import { COLORS, IMAGE_SIZE, POSITIONS, type ColorName, type PositionName } from './tiny-shapes-world';

export type BlobShape = 'circle' | 'square' | 'triangle';

export interface BlobSpec {
  shape: BlobShape;
  color: ColorName;
  position: PositionName;
  background: ColorName;
}

/** Radius of the base outline at angle θ (y up), for a shape of inradius 1. */
const OUTLINE: Record<BlobShape, (theta: number) => number> = {
  circle: () => 1,
  square: (theta) => 1 / Math.max(Math.abs(Math.cos(theta)), Math.abs(Math.sin(theta))),
  // Equilateral, pointing up: edge normals at −90°, 30° and 150°.
  triangle: (theta) => {
    const third = (2 * Math.PI) / 3;
    const fromNormal = ((((theta + Math.PI / 2 + third / 2) % third) + third) % third) - third / 2;
    return 1 / Math.cos(fromNormal);
  },
};

const INRADIUS: Record<BlobShape, number> = { circle: 15, square: 13, triangle: 9 };

/**
 * Draws the blob on a size×size image (the world's 128 px, scaled for other sizes); `seed` picks its wobble,
 * offset and colour noise (Python's MT19937, so no Math.random).
 */
export function drawRoughBlob(spec: BlobSpec, seed: number, size = IMAGE_SIZE): RgbImage {
  const rng = new PythonRandom(seed);
  const uniform = (lo: number, hi: number) => lo + (rng.getrandbits(32) / 2 ** 32) * (hi - lo);
  const row = Math.floor(POSITIONS.indexOf(spec.position) / 3);
  const col = POSITIONS.indexOf(spec.position) % 3;
  const scale = size / IMAGE_SIZE;
  const cell = size / 3;
  const cx = (col + 0.5) * cell + uniform(-3, 3) * scale;
  const cy = (row + 0.5) * cell + uniform(-3, 3) * scale;
  const waves = [2, 3, 5].map((frequency) => ({ frequency, phase: uniform(0, 2 * Math.PI), amp: uniform(0.06, 0.12) }));
  const radius = (theta: number) =>
    INRADIUS[spec.shape] *
    OUTLINE[spec.shape](theta) *
    (1 + waves.reduce((s, w) => s + w.amp * Math.sin(w.frequency * theta + w.phase), 0));
  const fill = COLORS[spec.color];
  const background = COLORS[spec.background];
  const rgb = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const [dx, dy] = [x + 0.5 - cx, cy - (y + 0.5)];
      const inside = Math.hypot(dx, dy) < radius(Math.atan2(dy, dx));
      const shade = inside ? uniform(-18, 18) : 0; // crayon-like unevenness inside the blob only
      for (let c = 0; c < 3; c++) {
        const v = (inside ? fill[c] : background[c]) + shade;
        rgb[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return { rgb, width: size, height: size };
}

/** The img2img cases: a blob per shape kind and place; the prompt names only the shape, so colour and place
 * can come from the sketch alone. */
export const BLOB_CASES: readonly BlobSpec[] = [
  { shape: 'circle', color: 'red', position: 'top left', background: 'white' },
  { shape: 'square', color: 'blue', position: 'bottom right', background: 'yellow' },
  { shape: 'triangle', color: 'green', position: 'center', background: 'white' },
  { shape: 'circle', color: 'purple', position: 'right', background: 'gray' },
];

export const BLOB_STRENGTH = 0.6;
export const BLOB_SEEDS = [600, 601];
/** IoU with its template from which a shape counts as clean: the world's own renders of circles, squares and
 * triangles score 0.93–1 (the fixtures), these blobs 0.68–0.87. */
export const CLEAN_IOU = 0.9;

export const blobPrompt = (spec: BlobSpec) => `a ${spec.shape}`;
