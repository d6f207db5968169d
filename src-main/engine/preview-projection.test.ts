import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { createProjectionStore, type ProjectionModel } from './preview-projection';

const cacheDir = mkdtempSync(join(tmpdir(), 'projection-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

// A linear "decoder" (scale factor 2): each latent pixel becomes a 2×2 block of colour 2·(P·[x 1]) − 1, so the
// fit must find P again.
const known = [
  [0.2, -0.1, 0.05],
  [0.1, 0.2, -0.2],
  [-0.1, 0.05, 0.15],
  [0.05, -0.15, -0.1],
  [0.5, 0.45, 0.55],
];
function linearModel(): ProjectionModel & { decodes: number } {
  const model = {
    hash: 'abc123',
    latentChannels: 4,
    vaeScaleFactor: 2,
    vaeScalingFactor: 0.5,
    decodes: 0,
    async decode(latents: Float32Array, dims: readonly number[]) {
      model.decodes++;
      const [, channels, h, w] = dims;
      const out = new Float32Array(3 * 4 * h * w);
      for (let y = 0; y < 2 * h; y++) {
        for (let x = 0; x < 2 * w; x++) {
          const p = Math.floor(y / 2) * w + Math.floor(x / 2);
          for (let k = 0; k < 3; k++) {
            let v = known[4][k];
            for (let c = 0; c < channels; c++) v += latents[c * h * w + p] * 0.5 * known[c][k]; // scaled back ×0.5
            out[k * 4 * h * w + y * 2 * w + x] = 2 * v - 1;
          }
        }
      }
      return { data: out, dims: [1, 3, 2 * h, 2 * w] };
    },
  };
  return model;
}

test('the projection is fitted once, kept in cache/, and read back without refitting', async () => {
  const first = linearModel();
  const fitted = await createProjectionStore({ cacheDir }).projectionFor(first);
  expect(first.decodes).toBeGreaterThan(0);
  fitted.forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo(known[i][k], 4)));
  expect(existsSync(join(cacheDir, 'preview-projections', 'abc123.json'))).toBe(true);

  // A new store (a restarted app) over the same cache/: no decode at all.
  const second = linearModel();
  expect(await createProjectionStore({ cacheDir }).projectionFor(second)).toEqual(fitted);
  expect(second.decodes).toBe(0);
});

test('a decoder that fails leaves previews on the fixed SD 1.x map', async () => {
  const broken = { ...linearModel(), hash: 'broken', decode: () => Promise.reject(new Error('fixed size')) };
  const logs: string[] = [];
  const projection = await createProjectionStore({ log: (m) => logs.push(m) }).projectionFor(broken);
  expect(projection).toHaveLength(5);
  expect(logs.join()).toMatch(/fixed size/);
});
