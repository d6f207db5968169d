// End to end against diffusers itself: every case in test-fixtures/references/index.json (made by
// tools/reference/pipeline_references.py with diffusers 0.40.0 + torch: txt2img, img2img, and inpainting with the
// 9-channel fixture UNet), on every fixture model it holds for.
// Tolerance (engine-semantics.md): each 8-bit channel within 3 levels, ≥ 99 % within 1.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createEngine } from './engine';
import type { GenerateParams, StepInfo } from './engine-types';
import { decodePngRgb } from '../formats/png/png-metadata';
import {
  expectNearReference,
  readReferenceIndex,
  referenceParams,
  referencesDir,
} from './test-support/diffusers-references';

const fixtures = join(import.meta.dirname, 'test-fixtures');
const references = referencesDir;

const index = readReferenceIndex();
const engine = createEngine({ providers: 'cpu', threads: 1 });
const measured: string[] = [];
afterAll(async () => {
  await engine.dispose();
  if (process.env.GOLDEN_REPORT) console.log(measured.join('\n'));
});

/** fp16 weights drift further in latent space; their images still meet the same pixel tolerance. */
const latentTolerance = (model: string) =>
  model.endsWith('-fp16') ? { value: 0.1, sum: 2e-3 } : { value: 1e-3, sum: 1e-4 };

// Grouped by model: the engine keeps one model's sessions, so each model loads once.
const runs = index.cases
  .flatMap((c) => {
    const models = [c.model, ...c.alsoFor, ...(c.model === 'tiny-sd' ? ['tiny-sd-fp16'] : [])];
    return models.map((model) => [`${c.id} on ${model}`, c, model] as const);
  })
  .sort((a, b) => (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));

describe('images match diffusers', () => {
  test.each(runs)('%s', async (_name, c, model) => {
    const params = referenceParams(c);
    if (c.initImage) {
      const init = decodePngRgb(readFileSync(join(references, c.initImage)));
      params.initImage = { width: init.width, height: init.height, data: init.rgb };
      params.strength = c.strength ?? undefined;
    }
    if (c.mask) {
      const mask = decodePngRgb(readFileSync(join(references, c.mask)));
      params.mask = { width: mask.width, height: mask.height, data: mask.rgb };
      params.maskBlur = c.maskBlur;
      params.keepDecoded = c.keepDecoded;
    }
    let last: StepInfo | undefined;
    // previewEvery past the step count: only the final step carries the latents.
    const result = await engine.generate(join(fixtures, 'models', model), params, {
      previewEvery: 1000,
      onStep: (s) => (last = s),
    });

    expect(last?.total).toBe(c.unetTimesteps.length);
    const latents = last!.latents!;
    expect(latents.dims).toEqual(c.latents.dims);
    const tol = latentTolerance(model);
    let worst = 0;
    c.latents.first16.forEach((ref, i) => {
      const relative = Math.abs(latents.data[i] - ref) / Math.max(1, Math.abs(ref));
      worst = Math.max(worst, relative);
      expect(relative).toBeLessThanOrEqual(tol.value);
    });
    const sum = latents.data.reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - c.latents.sum)).toBeLessThanOrEqual(tol.sum * c.latents.absSum);

    expect(result.images).toHaveLength(c.images.length);
    const notes: string[] = [];
    c.images.forEach((file, i) => {
      const image = result.images[i];
      expect(image.index).toBe(i);
      const { max, overOne } = expectNearReference(image, file);
      notes.push(`max ${max}, ${(100 * overOne).toFixed(2)} % > 1`);
    });
    const sumError = Math.abs(sum - c.latents.sum) / c.latents.absSum;
    notes.push(`latents first16 ${worst.toExponential(1)} relative, sum ${sumError.toExponential(1)} of absSum`);
    measured.push(`${c.id} on ${model}: ${notes.join('; ')}`);
  });
});

describe('the fixture models as the engine sees them', () => {
  test.each([
    ['tiny-sd', '<|endoftext|>'],
    ['tiny-sd-v', '!'],
  ])('%s tokenizes like transformers (pad %s)', async (model, pad) => {
    for (const [text, ids] of Object.entries(index.tokenizer.examples[pad])) {
      expect(await engine.tokenize(join(fixtures, 'models', model), text)).toEqual(ids);
    }
  });

  test('an inpainting model: outside the blurred mask the init pixels come back, inside the UNet repaints', async () => {
    const dir = join(fixtures, 'models', 'tiny-sd-inpaint');
    expect(await engine.describeModel(dir)).toMatchObject({ latentChannels: 4, unetInChannels: 9 });
    const init = decodePngRgb(readFileSync(join(references, 'init-64.png')));
    const mask = decodePngRgb(readFileSync(join(references, 'mask-64.png')));
    const params: GenerateParams = {
      prompt: 'a red circle',
      seed: 7n,
      steps: 4,
      scheduler: 'euler',
      strength: 1,
      initImage: { width: 64, height: 64, data: init.rgb },
      mask: { width: 64, height: 64, data: mask.rgb },
      maskBlur: 2,
    };
    const [pasted] = (await engine.generate(dir, params)).images;
    const [decoded] = (await engine.generate(dir, { ...params, keepDecoded: true })).images;
    // The blur (σ = 2) reaches ⌈3σ⌉ = 6 pixels: beyond that from every white pixel the init image is kept, and
    // beyond that from every black one the repainted pixels are.
    const grey = (u: number, v: number) => mask.rgb[(v * 64 + u) * 3];
    const anyWithin6 = (x: number, y: number, test: (g: number) => boolean) => {
      for (let v = Math.max(0, y - 6); v <= Math.min(63, y + 6); v++)
        for (let u = Math.max(0, x - 6); u <= Math.min(63, x + 6); u++) if (test(grey(u, v))) return true;
      return false;
    };
    let [far, farChanged, inside] = [0, 0, 0];
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++) {
        const p = (y * 64 + x) * 3;
        const pixel = (rgb: Uint8Array) => Array.from(rgb.subarray(p, p + 3));
        if (!anyWithin6(x, y, (g) => g > 0)) {
          far++;
          expect(pixel(pasted.rgb)).toEqual(pixel(init.rgb));
          if (pixel(decoded.rgb).some((value, c) => Math.abs(value - init.rgb[p + c]) > 3)) farChanged++;
        } else if (!anyWithin6(x, y, (g) => g < 255)) {
          inside++;
          expect(pixel(pasted.rgb)).toEqual(pixel(decoded.rgb));
        }
      }
    expect(far).toBeGreaterThan(1000);
    expect(inside).toBeGreaterThan(20);
    // The random fixture UNet keeps nothing by itself: the kept pixels are the paste-back's doing.
    expect(farChanged / far).toBeGreaterThan(0.5);
  });

  test('descriptions', async () => {
    const describe = (model: string) => engine.describeModel(join(fixtures, 'models', model));
    expect(await describe('tiny-sd')).toMatchObject({
      kind: 'sd1',
      nativeSize: 64,
      defaultScheduler: 'pndm',
      predictionType: 'epsilon',
      padToken: '<|endoftext|>',
    });
    expect(await describe('tiny-sd-v')).toMatchObject({
      kind: 'sd2',
      nativeSize: 64,
      defaultScheduler: 'ddim',
      predictionType: 'v_prediction',
      padToken: '!',
    });
    // Same weights in another container: a different hash, since the files differ.
    const [plain, external] = await Promise.all([describe('tiny-sd'), describe('tiny-sd-external')]);
    expect(plain.hash).not.toBe(external.hash);
    expect(plain.hash).toBe((await describe('tiny-sd')).hash);
  });
});
