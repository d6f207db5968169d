// A latent → image preview at full resolution: each latent pixel's 3×3 neighbourhood (every channel, + a bias) maps
// linearly to the f×f×3 pixel block it stands for (f the VAE's scale factor). A per-pixel colour map can only paint a
// latent-sized mosaic; the neighbourhood lets the map draw edges and shading inside a block, as the decoder does.
// A VAE decoder is not local, though: its group norms (and attention) make a pixel's colour depend on the whole
// latent's statistics, so the neighbourhood is taken relative to the latent's per-channel mean and deviation, which
// are features too. Fitted by ridge-regularised least squares (normal equations (11C+1)², small) against the model's
// own VAE decodes.
import type { PreviewImage } from './engine-types';
import type { LatentProjection } from './preview';

export interface PatchProjection {
  latentChannels: number;
  /** Image pixels per latent pixel, along each axis. */
  factor: number;
  /** Whether the neighbourhood is standardised by the latent's per-channel mean and deviation (else raw values). */
  relative: boolean;
  /**
   * Row-major [features × outputs]: features are channel c's standardised value at offset (dy, dx) ∈ {−1, 0, 1}² at
   * c·9 + (dy+1)·3 + (dx+1), then each channel's mean and deviation over the latent, then the bias; outputs are pixel (py, px) of the block, colour k at (py·f + px)·3 + k, on a 0–1 scale.
   */
  weights: Float32Array;
}

export const featureCount = (channels: number) => channels * 11 + 1;

/** Per channel, the image's mean and standard deviation: the decoder's group norms make colour depend on them. */
function context(latents: Float32Array, base: number, channels: number, plane: number): Float64Array {
  const out = new Float64Array(2 * channels);
  for (let c = 0; c < channels; c++) {
    let [sum, squares] = [0, 0];
    for (let p = 0; p < plane; p++) {
      const v = latents[base + c * plane + p];
      sum += v;
      squares += v * v;
    }
    const mean = sum / plane;
    out[2 * c] = mean;
    out[2 * c + 1] = Math.sqrt(Math.max(squares / plane - mean * mean, 0)) + 1e-3;
  }
  return out;
}
export const outputCount = (factor: number) => factor * factor * 3;

/** Each latent pixel's neighbourhood features, borders repeated (as edge-clamped smooth upscaling does). */
function neighbourhood(
  latents: Float32Array,
  base: number,
  channels: number,
  height: number,
  width: number,
  y: number,
  x: number,
  ctx: Float64Array,
  relative: boolean,
  out: Float64Array,
): void {
  const plane = height * width;
  let d = 0;
  for (let c = 0; c < channels; c++) {
    const [mean, deviation] = relative ? [ctx[2 * c], ctx[2 * c + 1]] : [0, 1];
    for (let dy = -1; dy <= 1; dy++) {
      const row = base + c * plane + Math.min(Math.max(y + dy, 0), height - 1) * width;
      for (let dx = -1; dx <= 1; dx++) {
        out[d++] = (latents[row + Math.min(Math.max(x + dx, 0), width - 1)] - mean) / deviation;
      }
    }
  }
  for (const v of ctx) out[d++] = v;
  out[d] = 1;
}

/** Batch item `index` of latents [n, C, h, w] → an (f·h)×(f·w) RGB image through `projection`. */
export function projectPatches(
  latents: Float32Array,
  dims: readonly number[],
  projection: PatchProjection,
  index = 0,
): PreviewImage {
  const [, channels, height, width] = dims;
  if (channels !== projection.latentChannels) {
    throw new Error(`the projection takes ${projection.latentChannels} latent channels, not ${channels}`);
  }
  const f = projection.factor;
  const features = featureCount(channels);
  const outputs = outputCount(f);
  const { weights } = projection;
  const imageWidth = width * f;
  const rgb = new Uint8Array(imageWidth * height * f * 3);
  const a = new Float64Array(features);
  const block = new Float64Array(outputs);
  const base = index * channels * height * width;
  const ctx = context(latents, base, channels, height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      neighbourhood(latents, base, channels, height, width, y, x, ctx, projection.relative, a);
      block.fill(0);
      for (let d = 0; d < features; d++) {
        const v = a[d];
        const row = d * outputs;
        for (let o = 0; o < outputs; o++) block[o] += v * weights[row + o];
      }
      for (let py = 0; py < f; py++) {
        const at = ((y * f + py) * imageWidth + x * f) * 3;
        for (let o = 0; o < f * 3; o++) {
          const value = block[py * f * 3 + o];
          rgb[at + o] = Math.round((value < 0 ? 0 : value > 1 ? 1 : value) * 255);
        }
      }
    }
  }
  return { width: imageWidth, height: height * f, rgb };
}

/** One sample: latents [1, C, h, w] and its decoded image [1, 3, f·h, f·w] on the 0–1 scale. */
export interface PatchSample {
  latents: Float32Array;
  height: number;
  width: number;
  image: Float32Array;
}

/**
 * The weights minimising ‖A·W − Y‖² + λ‖W‖² over every latent pixel of the samples (bias unpenalised), λ = `ridge` ×
 * the mean feature energy: neighbouring latent pixels are strongly correlated, and the ridge keeps the map from
 * amplifying their differences.
 */
export function fitPatchProjection(
  samples: readonly PatchSample[],
  channels: number,
  factor: number,
  { ridge = 1e-2 }: { ridge?: number } = {},
): PatchProjection {
  const features = featureCount(channels);
  const outputs = outputCount(factor);
  const rows = samples.reduce((n, s) => n + s.height * s.width, 0);
  if (rows < features) throw new Error(`${rows} sample pixels cannot fit ${features} features`);
  const ata = new Float64Array(features * features);
  const aty = new Float64Array(features * outputs);
  const a = new Float64Array(features);
  const target = new Float64Array(outputs);
  for (const { latents, height, width, image } of samples) {
    const imageWidth = width * factor;
    const plane = imageWidth * height * factor;
    const ctx = context(latents, 0, channels, height * width);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        neighbourhood(latents, 0, channels, height, width, y, x, ctx, true, a);
        for (let py = 0; py < factor; py++) {
          for (let px = 0; px < factor; px++) {
            const pixel = (y * factor + py) * imageWidth + x * factor + px;
            for (let k = 0; k < 3; k++) target[(py * factor + px) * 3 + k] = image[k * plane + pixel];
          }
        }
        for (let i = 0; i < features; i++) {
          const v = a[i];
          for (let j = i; j < features; j++) ata[i * features + j] += v * a[j];
          const row = i * outputs;
          for (let o = 0; o < outputs; o++) aty[row + o] += v * target[o];
        }
      }
    }
  }
  for (let i = 0; i < features; i++) for (let j = 0; j < i; j++) ata[i * features + j] = ata[j * features + i];
  let energy = 0;
  for (let i = 0; i < features - 1; i++) energy += ata[i * features + i];
  const lambda = (ridge * energy) / (features - 1);
  for (let i = 0; i < features - 1; i++) ata[i * features + i] += lambda;
  const weights = Float32Array.from(solveCholesky(ata, aty, features, outputs));
  return { latentChannels: channels, factor, relative: true, weights };
}

/** M·X = B for a symmetric positive definite n×n M and n×k B (both row-major, overwritten); returns X. */
function solveCholesky(m: Float64Array, b: Float64Array, n: number, k: number): Float64Array {
  // M = L·Lᵀ in place (lower triangle).
  for (let j = 0; j < n; j++) {
    let diagonal = m[j * n + j];
    for (let p = 0; p < j; p++) diagonal -= m[j * n + p] ** 2;
    if (!(diagonal > 0)) throw new Error('the sample latents do not determine a projection');
    const l = Math.sqrt(diagonal);
    m[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let v = m[i * n + j];
      for (let p = 0; p < j; p++) v -= m[i * n + p] * m[j * n + p];
      m[i * n + j] = v / l;
    }
  }
  // L·Z = B, then Lᵀ·X = Z.
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < i; p++) for (let c = 0; c < k; c++) b[i * k + c] -= m[i * n + p] * b[p * k + c];
    for (let c = 0; c < k; c++) b[i * k + c] /= m[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let p = i + 1; p < n; p++) for (let c = 0; c < k; c++) b[i * k + c] -= m[p * n + i] * b[p * k + c];
    for (let c = 0; c < k; c++) b[i * k + c] /= m[i * n + i];
  }
  return b;
}

/**
 * A per-pixel colour map (rows per channel, then the bias) as a patch projection that upsamples smoothly: each block
 * pixel blends the neighbouring latent pixels' colours bilinearly, as edge-clamped smooth upscaling would.
 */
export function patchProjectionFromPixelMap(
  map: LatentProjection,
  latentChannels: number,
  factor: number,
): PatchProjection {
  const outputs = outputCount(factor);
  const weights = new Float32Array(featureCount(latentChannels) * outputs);
  // Along one axis: the weights of offsets −1, 0, 1 for block pixel p (pixel centres, as canvas scaling samples).
  const taps = (p: number) => {
    const s = (p + 0.5) / factor - 0.5;
    return s < 0 ? [-s, 1 + s, 0] : [0, 1 - s, s];
  };
  const used = Math.min(latentChannels, map.length - 1);
  for (let py = 0; py < factor; py++) {
    for (let px = 0; px < factor; px++) {
      const [wy, wx] = [taps(py), taps(px)];
      for (let k = 0; k < 3; k++) {
        const o = (py * factor + px) * 3 + k;
        for (let c = 0; c < used; c++) {
          for (let dy = 0; dy < 3; dy++) {
            for (let dx = 0; dx < 3; dx++) weights[(c * 9 + dy * 3 + dx) * outputs + o] = wy[dy] * wx[dx] * map[c][k];
          }
        }
        weights[(featureCount(latentChannels) - 1) * outputs + o] = map[map.length - 1][k];
      }
    }
  }
  return { latentChannels, factor, relative: false, weights };
}
