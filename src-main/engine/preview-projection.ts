// A model's own latent → RGB projection for step previews: least squares against its VAE's decodes of a few sample
// latents, fitted once per model (by content hash) and kept in the data directory's cache/ (safe to delete).
// The decoder is far from linear, so the fit only holds near the latents it was made on: with an encoder, those are
// encodings of synthetic pictures (soft colour fields with hard-edged discs), which sit where generated images'
// latents do; without one, smooth random fields.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/write-file-atomic';
import { fitProjection, SD1_PROJECTION, type LatentProjection } from './preview';
import { TorchGenerator } from './rng/torch-generator';

export interface ProjectionModel {
  hash: string;
  latentChannels: number;
  /** Image pixels per latent pixel. */
  vaeScaleFactor: number;
  vaeScalingFactor: number;
  decode(latents: Float32Array, dims: readonly number[]): Promise<{ data: Float32Array; dims: number[] }>;
  /** The VAE encoder (image in [-1, 1] → unscaled latents), when the model has one. */
  encode?: (image: Float32Array, dims: readonly number[]) => Promise<Float32Array>;
}

export interface ProjectionStore {
  projectionFor(model: ProjectionModel): Promise<LatentProjection>;
}

const SAMPLES = 8;
const SIZE = 16;
const CELLS = 4;
const FORMAT = 1;

export function createProjectionStore({
  cacheDir,
  log = () => {},
}: {
  /** The data directory's cache/; without one projections live in memory only. */
  cacheDir?: string;
  log?: (message: string) => void;
}): ProjectionStore {
  const fitted = new Map<string, Promise<LatentProjection>>();
  const fileOf = (hash: string) => cacheDir && join(cacheDir, 'preview-projections', `${hash}.json`);

  async function obtain(model: ProjectionModel): Promise<LatentProjection> {
    const file = fileOf(model.hash);
    const cached = file ? readCached(file, model.latentChannels) : null;
    if (cached) return cached;
    try {
      const projection = await fit(model);
      if (file) writeFileAtomic(file, Buffer.from(JSON.stringify({ format: FORMAT, projection })), { durable: false });
      return projection;
    } catch (error) {
      // A decoder that only takes one latent size, say: previews fall back to SD 1.x's map rather than fail a job.
      log(`preview projection for ${model.hash}: ${(error as Error).message}; using SD 1.x's`);
      return SD1_PROJECTION;
    }
  }

  return {
    projectionFor(model) {
      let projection = fitted.get(model.hash);
      if (!projection) {
        projection = obtain(model);
        fitted.set(model.hash, projection);
      }
      return projection;
    },
  };
}

function readCached(file: string, channels: number): LatentProjection | null {
  try {
    const { format, projection } = JSON.parse(readFileSync(file, 'utf8')) as { format: number; projection: unknown };
    const valid =
      format === FORMAT &&
      Array.isArray(projection) &&
      projection.length === channels + 1 &&
      projection.every((row) => Array.isArray(row) && row.length === 3 && row.every(Number.isFinite));
    return valid ? (projection as LatentProjection) : null;
  } catch {
    return null;
  }
}

async function fit(model: ProjectionModel): Promise<LatentProjection> {
  // A fixed seed: the same model always gets the same projection.
  const generator = new TorchGenerator(0);
  const channels = model.latentChannels;
  const f = model.vaeScaleFactor;
  const scaling = model.vaeScalingFactor;
  const features: number[][] = [];
  const targets: number[][] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const latents = model.encode
      ? await encodedLatents(model.encode, generator, SIZE * f, scaling)
      : sampleLatents(generator, channels);
    const decoded = await model.decode(
      latents.map((v) => v / scaling),
      [1, channels, SIZE, SIZE],
    );
    const width = decoded.dims[3];
    const plane = decoded.dims[2] * width;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        features.push(Array.from({ length: channels }, (_, c) => latents[c * SIZE * SIZE + y * SIZE + x]));
        // The decoded f×f block's mean colour, on the 0–1 scale of the final image (x/2 + 0.5).
        const colour = [0, 0, 0];
        for (let dy = 0; dy < f; dy++) {
          for (let dx = 0; dx < f; dx++) {
            const o = (y * f + dy) * width + x * f + dx;
            for (let k = 0; k < 3; k++) colour[k] += decoded.data[k * plane + o];
          }
        }
        targets.push(colour.map((v) => v / (f * f) / 2 + 0.5));
      }
    }
  }
  return fitProjection(features, targets);
}

/** A synthetic picture of `size`² pixels, encoded: the scaled latents of a soft background with two discs. */
async function encodedLatents(
  encode: NonNullable<ProjectionModel['encode']>,
  generator: TorchGenerator,
  size: number,
  scaling: number,
): Promise<Float32Array> {
  // Saturated colours (tanh of 3·N(0, 1) is mostly near ±1), as in pictures of things on plain grounds.
  const draws = Array.from(generator.randn(3 * 4 + 3 * 6), (v) => Math.tanh(3 * v));
  // A plain ground that shades into another colour towards one corner.
  const ground = draws.slice(0, 3);
  const corners = [ground, ground, ground, draws.slice(9, 12)];
  const discs = [0, 1, 2].map((i) => draws.slice(12 + 6 * i, 18 + 6 * i));
  const image = new Float32Array(3 * size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = x / (size - 1);
      const v = y / (size - 1);
      for (let k = 0; k < 3; k++) {
        let value =
          (1 - v) * ((1 - u) * corners[0][k] + u * corners[1][k]) + v * ((1 - u) * corners[2][k] + u * corners[3][k]);
        for (const [cx, cy, r, ...colour] of discs) {
          const inside = (u - (cx + 1) / 2) ** 2 + (v - (cy + 1) / 2) ** 2 < (0.1 + 0.15 * (r + 1)) ** 2;
          if (inside) value = colour[k];
        }
        image[k * size * size + y * size + x] = value;
      }
    }
  }
  const latents = await encode(image, [1, 3, size, size]);
  return latents.map((value) => value * scaling);
}

/** Smooth random fields (4×4 cells, bilinear) with some fine noise, at unit scale like x̂₀'s. */
function sampleLatents(generator: TorchGenerator, channels: number): Float32Array {
  const coarse = generator.randn(channels * (CELLS + 1) * (CELLS + 1));
  const fine = generator.randn(channels * SIZE * SIZE);
  const out = new Float32Array(channels * SIZE * SIZE);
  const step = CELLS / (SIZE - 1);
  for (let c = 0; c < channels; c++) {
    const cell = (i: number, j: number) => coarse[c * (CELLS + 1) ** 2 + i * (CELLS + 1) + j];
    for (let y = 0; y < SIZE; y++) {
      const gy = Math.min(y * step, CELLS - 1e-9);
      const i = Math.floor(gy);
      const v = gy - i;
      for (let x = 0; x < SIZE; x++) {
        const gx = Math.min(x * step, CELLS - 1e-9);
        const j = Math.floor(gx);
        const u = gx - j;
        const smooth =
          (1 - v) * ((1 - u) * cell(i, j) + u * cell(i, j + 1)) +
          v * ((1 - u) * cell(i + 1, j) + u * cell(i + 1, j + 1));
        const o = c * SIZE * SIZE + y * SIZE + x;
        out[o] = smooth + 0.3 * fine[o];
      }
    }
  }
  return out;
}
