// Cheap per-step preview: a linear map from the latent channels (+ a bias) to RGB, fitted per model by least squares
// against the model's own VAE decodes (preview-projection.ts). The fixed fallback is SD 1.x's map (the factors
// A1111 ships as "Approx cheap", fitted by Keturn).
import type { PreviewImage } from './engine-types';

/** Rows: one per latent channel, then the bias; columns: R, G, B on a 0–1 scale. */
export type LatentProjection = number[][];

export const SD1_PROJECTION: LatentProjection = [
  [0.149, 0.1035, 0.104],
  [0.0935, 0.143, 0.0865],
  [-0.079, 0.0945, 0.132],
  [-0.092, -0.1355, -0.2365],
  [0.5, 0.5, 0.5],
];

/**
 * Batch item `index` of latents [n, C, h, w] → an h×w RGB image through `projection`. Channels the projection has
 * no row for are ignored.
 */
export function latentPreview(
  latents: Float32Array,
  dims: readonly number[],
  projection: LatentProjection = SD1_PROJECTION,
  index = 0,
): PreviewImage {
  const [, channels, height, width] = dims;
  const plane = height * width;
  const base = index * channels * plane;
  const used = Math.min(channels, projection.length - 1);
  const bias = projection[projection.length - 1];
  const rgb = new Uint8Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let k = 0; k < 3; k++) {
      let value = bias[k];
      for (let c = 0; c < used; c++) value += latents[base + c * plane + p] * projection[c][k];
      rgb[p * 3 + k] = Math.round(Math.min(1, Math.max(0, value)) * 255);
    }
  }
  return { width, height, rgb };
}

/**
 * Least squares: the (C+1)×3 projection minimising ‖[X 1]·P − Y‖², from `features` (rows of C latent values) and
 * `targets` (rows of 3 colour values). Solved by the normal equations, which are (C+1)×(C+1) and well conditioned
 * for latents of unit scale; a tiny ridge keeps a constant channel from making them singular.
 */
export function fitProjection(features: number[][], targets: number[][]): LatentProjection {
  const n = features[0].length + 1;
  const ata = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const aty = Array.from({ length: n }, () => [0, 0, 0]);
  features.forEach((row, r) => {
    const a = [...row, 1];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) ata[i][j] += a[i] * a[j];
      for (let k = 0; k < 3; k++) aty[i][k] += a[i] * targets[r][k];
    }
  });
  for (let i = 0; i < n; i++) ata[i][i] += 1e-9 * features.length;
  return solve(ata, aty);
}

/** Gaussian elimination with partial pivoting: A·X = B for a square A, B with several columns. */
function solve(a: number[][], b: number[][]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r][col] / m[col][col];
      for (let c = col; c < m[r].length; c++) m[r][c] -= f * m[col][c];
    }
  }
  return m.map((row, i) => row.slice(n).map((v) => v / m[i][i]));
}
