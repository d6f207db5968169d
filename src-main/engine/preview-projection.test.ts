import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { projectPatches } from './patch-projection';
import { createProjectionStore, FORMAT, readCached, type ProjectionModel } from './preview-projection';

const cacheDir = mkdtempSync(join(tmpdir(), 'projection-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

// A "decoder" with a group norm at its input (scale factor 2): each latent pixel, standardised per channel over the
// latent, becomes a 2×2 block of colour 2·(P·[x̃ 1]) − 1, shifted by the channels' means (the form the fit models).
const known = [
  [0.2, -0.1, 0.05],
  [0.1, 0.2, -0.2],
  [-0.1, 0.05, 0.15],
  [0.05, -0.15, -0.1],
  [0.5, 0.45, 0.55],
];
function linearModel(hash = 'abc123'): ProjectionModel & { decodes: number } {
  const model = {
    hash,
    latentChannels: 4,
    vaeScaleFactor: 2,
    vaeScalingFactor: 0.5,
    decodes: 0,
    async decode(latents: Float32Array, dims: readonly number[]) {
      model.decodes++;
      const [, channels, h, w] = dims;
      const out = new Float32Array(3 * 4 * h * w);
      const stats = Array.from({ length: channels }, (_, c) => {
        const values = Array.from(latents.subarray(c * h * w, (c + 1) * h * w), (v) => v * 0.5); // scaled back ×0.5
        const mean = values.reduce((s, v) => s + v, 0) / values.length;
        const deviation = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length) + 1e-3;
        return { mean, deviation };
      });
      for (let y = 0; y < 2 * h; y++) {
        for (let x = 0; x < 2 * w; x++) {
          const p = Math.floor(y / 2) * w + Math.floor(x / 2);
          for (let k = 0; k < 3; k++) {
            let v = known[4][k];
            for (let c = 0; c < channels; c++) {
              const { mean, deviation } = stats[c];
              v += ((latents[c * h * w + p] * 0.5 - mean) / deviation) * known[c][k] + 0.2 * mean;
            }
            out[k * 4 * h * w + y * 2 * w + x] = 2 * v - 1;
          }
        }
      }
      return { data: out, dims: [1, 3, 2 * h, 2 * w] };
    },
  };
  return model;
}

const fileOf = (hash: string) => join(cacheDir, 'preview-projections', `${hash}.json`);

test('the projection is fitted once, draws the decoder’s image, and is kept in cache/ and read back', async () => {
  const first = linearModel();
  const fitted = await createProjectionStore({ cacheDir }).projectionFor(first);
  expect(first.decodes).toBeGreaterThan(0);
  expect([fitted.factor, fitted.latentChannels, fitted.relative]).toEqual([2, 4, true]);
  // On fresh latents: the preview is the decoder's image at full size, to within rounding and the ridge’s pull.
  const latents = Float32Array.from({ length: 4 * 64 }, (_, i) => Math.sin(i * 0.37) + 0.3 * Math.cos(i * 1.7));
  const preview = projectPatches(latents, [1, 4, 8, 8], fitted);
  const decoded = await first.decode(
    latents.map((v) => v / 0.5),
    [1, 4, 8, 8],
  );
  const plane = 256;
  let difference = 0;
  for (let p = 0; p < plane; p++) {
    for (let k = 0; k < 3; k++) {
      const expected = Math.min(1, Math.max(0, decoded.data[k * plane + p] / 2 + 0.5)) * 255;
      difference += Math.abs(preview.rgb[p * 3 + k] - expected);
    }
  }
  expect([preview.width, preview.height]).toEqual([16, 16]);
  // Measured 2.3: the ridge (λ = 1 % of the mean feature energy) pulls the weights a little towards zero.
  expect(difference / plane / 3).toBeLessThan(3);

  const file = JSON.parse(readFileSync(fileOf('abc123'), 'utf8')) as { format: number };
  expect(file.format).toBe(FORMAT);
  // A new store (a restarted app) over the same cache/: no decode at all, the same weights.
  const second = linearModel();
  expect(await createProjectionStore({ cacheDir }).projectionFor(second)).toEqual(fitted);
  expect(second.decodes).toBe(0);
});

test('a cached projection of an older format, another shape, or damaged is refitted', async () => {
  mkdirSync(join(cacheDir, 'preview-projections'), { recursive: true });
  const stale = {
    old: { format: 1, projection: known }, // a per-pixel colour map, the format before patch projections
    other: { format: FORMAT, latentChannels: 4, factor: 8, weights: Buffer.alloc(45 * 192 * 4).toString('base64') },
    short: { format: FORMAT, latentChannels: 4, factor: 2, weights: Buffer.alloc(12).toString('base64') },
  };
  for (const [hash, content] of Object.entries(stale)) {
    writeFileSync(fileOf(hash), JSON.stringify(content));
    expect(readCached(fileOf(hash), { latentChannels: 4, vaeScaleFactor: 2 })).toBeNull();
    const model = linearModel(hash);
    await createProjectionStore({ cacheDir }).projectionFor(model);
    expect(model.decodes).toBeGreaterThan(0);
    expect((JSON.parse(readFileSync(fileOf(hash), 'utf8')) as { format: number }).format).toBe(FORMAT);
  }
  writeFileSync(fileOf('garbled'), '{"format": 2, "weights": ');
  expect(readCached(fileOf('garbled'), { latentChannels: 4, vaeScaleFactor: 2 })).toBeNull();
  expect(existsSync(fileOf('missing'))).toBe(false);
  expect(readCached(fileOf('missing'), { latentChannels: 4, vaeScaleFactor: 2 })).toBeNull();
});

test('a decoder that fails leaves previews on the fixed SD 1.x map, upsampled to full size', async () => {
  const broken = { ...linearModel('broken'), decode: () => Promise.reject(new Error('fixed size')) };
  const logs: string[] = [];
  const projection = await createProjectionStore({ log: (m) => logs.push(m) }).projectionFor(broken);
  expect([projection.relative, projection.factor]).toEqual([false, 2]);
  expect(projectPatches(new Float32Array(4 * 9), [1, 4, 3, 3], projection).rgb.every((v) => v === 128)).toBe(true);
  expect(logs.join()).toMatch(/fixed size/);
});
