// A model's own latent → RGB projection for step previews: least squares against its VAE's decodes of a few sample
// latents, fitted once per model (by content hash) and kept in the data directory's cache/ (safe to delete).
// The decoder is far from linear, so the fit only holds near the latents it was made on: with an encoder, those are
// encodings of synthetic pictures (plain grounds with hard-edged shapes, mosaics of plain tiles), which sit where
// generated images' latents do; without one, smooth random fields. Fewer pictures make a noisier fit: on the bundled
// model, 24 gave a last-step preview 17–37 (of 255) from the final image depending on the draw, 48 gave 22–26.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/write-file-atomic';
import {
  featureCount,
  outputCount,
  fitPatchProjection,
  type PatchSample,
  patchProjectionFromPixelMap,
  type PatchProjection,
} from './patch-projection';
import { SD1_PROJECTION } from './preview';
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
  projectionFor(model: ProjectionModel): Promise<PatchProjection>;
}

/** Sample pictures the fit sees; each gives SIZE² rows (a latent pixel's neighbourhood → its pixel block). */
const SAMPLES = 48;
const SIZE = 16;
const CELLS = 4;
/** Version of the cache files: 1 held a per-pixel colour map; 2 a patch projection (base64 little-endian float32). */
export const FORMAT = 2;

export function createProjectionStore({
  cacheDir,
  log = () => {},
}: {
  /** The data directory's cache/; without one projections live in memory only. */
  cacheDir?: string;
  log?: (message: string) => void;
}): ProjectionStore {
  const fitted = new Map<string, Promise<PatchProjection>>();
  const fileOf = (hash: string) => cacheDir && join(cacheDir, 'preview-projections', `${hash}.json`);

  async function obtain(model: ProjectionModel): Promise<PatchProjection> {
    const file = fileOf(model.hash);
    const cached = file ? readCached(file, model) : null;
    if (cached) return cached;
    try {
      const started = performance.now();
      const projection = await fit(model);
      log(`preview projection for ${model.hash}: fitted in ${(performance.now() - started).toFixed(0)} ms`);
      if (file) writeFileAtomic(file, Buffer.from(JSON.stringify(toCacheFile(projection))), { durable: false });
      return projection;
    } catch (error) {
      // A decoder that only takes one latent size, say: previews fall back to SD 1.x's map rather than fail a job.
      log(`preview projection for ${model.hash}: ${(error as Error).message}; using SD 1.x's`);
      return patchProjectionFromPixelMap(SD1_PROJECTION, model.latentChannels, model.vaeScaleFactor);
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

interface CacheFile {
  format: number;
  latentChannels: number;
  factor: number;
  weights: string;
}

/** Only fitted projections are cached, and they are all relative (standardised neighbourhoods). */
function toCacheFile({ latentChannels, factor, weights }: PatchProjection): CacheFile {
  const bytes = Buffer.alloc(weights.length * 4);
  weights.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return { format: FORMAT, latentChannels, factor, weights: bytes.toString('base64') };
}

/** The cached projection, or null when there is none, it is of another format or shape, or it is damaged. */
export function readCached(
  file: string,
  model: Pick<ProjectionModel, 'latentChannels' | 'vaeScaleFactor'>,
): PatchProjection | null {
  try {
    const cache = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheFile>;
    if (cache.format !== FORMAT || typeof cache.weights !== 'string') return null;
    if (cache.latentChannels !== model.latentChannels || cache.factor !== model.vaeScaleFactor) return null;
    const bytes = Buffer.from(cache.weights, 'base64');
    const length = featureCount(model.latentChannels) * outputCount(model.vaeScaleFactor);
    if (bytes.length !== length * 4) return null;
    const weights = Float32Array.from({ length }, (_, i) => bytes.readFloatLE(i * 4));
    return weights.every(Number.isFinite)
      ? { latentChannels: model.latentChannels, factor: model.vaeScaleFactor, relative: true, weights }
      : null;
  } catch {
    return null;
  }
}

async function fit(model: ProjectionModel): Promise<PatchProjection> {
  // A fixed seed: the same model always gets the same projection.
  const generator = new TorchGenerator(0);
  const channels = model.latentChannels;
  const f = model.vaeScaleFactor;
  const scaling = model.vaeScalingFactor;
  const samples: PatchSample[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const latents = model.encode
      ? await encodedLatents(model.encode, generator, SIZE * f, scaling, s % 2 === 1)
      : sampleLatents(generator, channels);
    const decoded = await model.decode(
      latents.map((v) => v / scaling),
      [1, channels, SIZE, SIZE],
    );
    if (decoded.dims[2] !== SIZE * f || decoded.dims[3] !== SIZE * f) {
      throw new Error(`the decoder made ${decoded.dims[3]}×${decoded.dims[2]} pixels of ${SIZE}×${SIZE} latents`);
    }
    // On the 0–1 scale of the final image (x/2 + 0.5).
    samples.push({ latents, height: SIZE, width: SIZE, image: decoded.data.map((v) => v / 2 + 0.5) });
  }
  return fitPatchProjection(samples, channels, f);
}

/**
 * A synthetic picture of `size`² pixels, encoded (scaled latents): three hard-edged shapes (discs, squares, triangles:
 * curved, straight and slanted edges) on a plain ground, or a mosaic of 4×4 plain tiles. Colours are uniform over
 * the RGB cube. The mix matters: the decoder's colours depend on the whole latent's statistics, and the fit learns
 * that dependence from how these pictures differ.
 */
async function encodedLatents(
  encode: NonNullable<ProjectionModel['encode']>,
  generator: TorchGenerator,
  size: number,
  scaling: number,
  mosaic: boolean,
): Promise<Float32Array> {
  const image = new Float32Array(3 * size * size);
  if (mosaic) {
    const tiles = 4;
    const colours = Array.from(generator.randn(3 * tiles * tiles), uniformOfNormal);
    const tile = size / tiles;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const t = Math.floor(y / tile) * tiles + Math.floor(x / tile);
        for (let k = 0; k < 3; k++) image[k * size * size + y * size + x] = colours[t * 3 + k];
      }
    }
  } else {
    const draws = Array.from(generator.randn(3 + 3 * 7), uniformOfNormal);
    const ground = draws.slice(0, 3);
    const shapes = [0, 1, 2].map((i) => draws.slice(3 + 7 * i, 10 + 7 * i));
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const [u, v] = [x / (size - 1), y / (size - 1)];
        for (let k = 0; k < 3; k++) {
          let value = ground[k];
          for (const [cx, cy, r, kind, ...colour] of shapes) {
            if (inShape(kind, u - (cx + 1) / 2, v - (cy + 1) / 2, 0.05 + 0.12 * (r + 1))) value = colour[k];
          }
          image[k * size * size + y * size + x] = value;
        }
      }
    }
  }
  const latents = await encode(image, [1, 3, size, size]);
  return latents.map((value) => value * scaling);
}

/** A standard normal draw → uniform on (−1, 1): 2·Φ(v) − 1, Φ by its tanh approximation. */
const uniformOfNormal = (v: number) => Math.tanh(0.7978845608 * (v + 0.044715 * v ** 3));

/** Whether offset (du, dv) from a shape's centre lies in it: a disc, a square or an upright triangle of radius r. */
function inShape(kind: number, du: number, dv: number, r: number): boolean {
  if (kind < -0.3) return du * du + dv * dv < r * r;
  if (kind < 0.3) return Math.abs(du) < r && Math.abs(dv) < r;
  return dv < r && dv > -r && Math.abs(du) < (dv + r) / 2;
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
