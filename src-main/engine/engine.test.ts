// Engine mechanics on an identity "model" (no weights): parameters, progress, cancellation, batching, caching.
// Image correctness against diffusers is engine.golden.test.ts.
import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createEngine } from './engine';
import { InvalidParamsError, isAbortError, ModelFolderError, type GenerationAbortedError } from './engine-errors';
import type { GenerateParams, StepInfo } from './engine-types';
import { writeFakeModel } from './test-support/fake-model';

const root = mkdtempSync(join(tmpdir(), 'engine-'));
const model = writeFakeModel(join(root, 'fake'));
const noEncoder = model;
const withEncoder = writeFakeModel(join(root, 'fake-img2img'), { vaeEncoder: true });
const engine = createEngine({ providers: 'cpu', threads: 1 });
afterAll(async () => {
  await engine.dispose();
  rmSync(root, { recursive: true, force: true });
});

const image64 = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) };
const mask64 = { width: 64, height: 64, data: new Uint8Array(64 * 64).fill(255) };
const image96x64 = { width: 96, height: 64, data: new Uint8Array(96 * 64 * 3) };
const mask96x64 = { width: 96, height: 64, data: new Uint8Array(96 * 64).fill(255) };
const base: GenerateParams = { prompt: 'a b', seed: 1n, steps: 4, width: 64, height: 64, scheduler: 'ddim' };

describe('parameters are checked at the boundary, naming the field', () => {
  test.each([
    [{ width: 100 }, 'width'],
    [{ height: 32 }, 'height'],
    [{ width: 4096 }, 'width'],
    [{ steps: 0 }, 'steps'],
    [{ steps: 2.5 }, 'steps'],
    [{ seed: -1n }, 'seed'],
    [{ seed: 2n ** 64n }, 'seed'],
    [{ guidance: Number.NaN }, 'guidance'],
    [{ batch: 0 }, 'batch'],
    [{ batch: 17 }, 'batch'],
    [{ guidance: 51 }, 'guidance'],
    [{ prompt: 'a'.repeat(20_001) }, 'prompt'],
    [{ negative: 'a'.repeat(20_001) }, 'negative'],
    [{ scheduler: 'k-lms' as never }, 'scheduler'],
    [{ initImage: { width: 32, height: 32, data: new Uint8Array(32 * 32 * 3) } }, 'initImage'],
    [{ initImage: { width: 64, height: 64, data: new Uint8Array(10) } }, 'initImage'],
    [{ mask: { width: 64, height: 64, data: new Uint8Array(64 * 64) } }, 'mask'],
    [{ initImage: image64, mask: { width: 32, height: 32, data: new Uint8Array(32 * 32) } }, 'mask'],
    [{ initImage: image64, mask: { width: 64, height: 64, data: new Uint8Array(7) } }, 'mask'],
    [{ initImage: image64, mask: mask64, maskBlur: -1 }, 'maskBlur'],
    [{ initImage: image64, mask: mask64, maskBlur: 65 }, 'maskBlur'],
    [{ initImage: image64, maskBlur: 4 }, 'maskBlur'],
    [{ initImage: image64, inpaintArea: 'masked' as const }, 'inpaintArea'],
    [{ initImage: image64, inpaintPadding: 8 }, 'inpaintPadding'],
    [{ initImage: image64, mask: mask64, inpaintArea: 'only' as never }, 'inpaintArea'],
    [{ initImage: image64, mask: mask64, inpaintArea: 'masked' as const, inpaintPadding: -1 }, 'inpaintPadding'],
    [{ initImage: image64, mask: mask64, inpaintArea: 'masked' as const, inpaintPadding: 257 }, 'inpaintPadding'],
    [{ initImage: image64, mask: mask64, inpaintArea: 'masked' as const, inpaintPadding: 1.5 }, 'inpaintPadding'],
    // "Only masked" takes an init image of any size, with a mask of that size that repaints something.
    [{ initImage: image96x64, mask: mask64, inpaintArea: 'masked' as const }, 'mask'],
    [{ initImage: image96x64, mask: { ...mask96x64, data: new Uint8Array(96 * 64) } }, 'initImage'],
    [
      { initImage: image96x64, mask: { ...mask96x64, data: new Uint8Array(96 * 64) }, inpaintArea: 'masked' as const },
      'mask',
    ],
    [
      { initImage: { ...image96x64, width: 0, data: new Uint8Array(0) }, mask: mask64, inpaintArea: 'masked' as const },
      'initImage.width',
    ],
    [
      { initImage: { ...image96x64, data: new Uint8Array(5) }, mask: mask96x64, inpaintArea: 'masked' as const },
      'initImage',
    ],
  ])('%o → %s', async (change, field) => {
    const error = await engine.generate(withEncoder, { ...base, ...change }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParamsError);
    expect((error as InvalidParamsError).field).toBe(field);
  });

  test('a UNet exported for one size refuses others', async () => {
    const fixed = writeFakeModel(join(root, 'fixed'), { fixedLatentSize: 8 });
    const error = await engine.generate(fixed, { ...base, width: 128 }).catch((e: unknown) => e);
    expect((error as InvalidParamsError).message).toBe("width: this model's UNet only makes 64×64 images");
    expect((await engine.generate(fixed, base)).images).toHaveLength(1);
  });

  test('a UNet with a fixed token length: long prompts are cut to 75 tokens, with a warning', async () => {
    const fixed = writeFakeModel(join(root, 'fixed-sequence'), { fixedSequenceLength: 77 });
    const long = { ...base, prompt: 'a '.repeat(80), negative: '(b) '.repeat(90), guidance: 3 };
    const result = await engine.generate(fixed, long);
    expect(result.warnings).toEqual([
      "this model's UNet takes exactly 77 token positions: the negative prompt was cut to its first 75 tokens (15 left out)",
      "this model's UNet takes exactly 77 token positions: the prompt was cut to its first 75 tokens (5 left out)",
    ]);
    expect((await engine.generate(fixed, base)).warnings).toEqual([]);
    expect((await engine.generate(model, long)).warnings).toEqual([]);
  });

  test('an inpainting UNet (9 channels, from the graph or else the config) needs a mask; other counts are refused', async () => {
    const fixed = writeFakeModel(join(root, 'inpaint-graph'), { vaeEncoder: true, unetChannels: 9 });
    const configured = writeFakeModel(join(root, 'inpaint-config'), {
      vaeEncoder: true,
      unetChannels: 'dynamic',
      configs: { unet: { in_channels: 9, out_channels: 4 }, vae_decoder: { latent_channels: 4 } },
    });
    for (const dir of [fixed, configured]) {
      for (const params of [base, { ...base, initImage: image64 }]) {
        const error = await engine.generate(dir, params).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidParamsError);
        expect((error as InvalidParamsError).message).toMatch(
          /^mask: model inpaint-(graph|config) is an inpainting model \(its UNet takes 9 channels\): give it an init image and a mask/,
        );
      }
    }
    expect(await engine.describeModel(configured)).toMatchObject({ unetInChannels: 9, latentChannels: 4 });
    const odd = writeFakeModel(join(root, 'five-channels'), { unetChannels: 5 });
    const error = await engine.generate(odd, base).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFolderError);
    expect((error as ModelFolderError).message).toMatch(/the UNet takes 5 input channels; only 4 \(plain\) and 9/);
    // A dynamic axis without a config is a plain UNet.
    const plain = writeFakeModel(join(root, 'dynamic-plain'), { unetChannels: 'dynamic' });
    expect((await engine.generate(plain, base)).images).toHaveLength(1);
  });

  test('img2img: strength range, and a model without a VAE encoder', async () => {
    const initImage = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 4) };
    for (const strength of [0, 1.5, 0.1]) {
      const error = await engine.generate(withEncoder, { ...base, initImage, strength }).catch((e: unknown) => e);
      expect((error as InvalidParamsError).field).toBe('strength');
    }
    const error = await engine.generate(noEncoder, { ...base, initImage, strength: 0.5 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/initImage: model fake has no vae_encoder\/model\.onnx/);
  });
});

describe('a job', () => {
  test('reports each step and resolves every setting', async () => {
    const steps: StepInfo[] = [];
    const result = await engine.generate(
      model,
      { ...base, batch: 2, guidance: 3 },
      { onStep: (s) => steps.push(s), previewEvery: 2 },
    );
    expect(steps.map((s) => [s.step, s.total])).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    expect(steps.map((s) => s.preview !== undefined)).toEqual([false, true, false, true]);
    expect(steps[1].preview).toMatchObject({ width: 8, height: 8 });
    expect(steps[1].latents?.dims).toEqual([2, 4, 8, 8]);
    expect(result.images.map((i) => [i.index, i.seed, i.width, i.height, i.rgb.length])).toEqual([
      [0, 1n, 8, 8, 192],
      [1, 1n, 8, 8, 192],
    ]);
    expect(result.settings).toMatchObject({
      prompt: 'a b',
      negative: '',
      seed: 1n,
      steps: 4,
      guidance: 3,
      scheduler: 'ddim',
      width: 64,
      height: 64,
      batch: 2,
      strength: null,
    });
    expect(result.settings.model.hash).toMatch(/^[0-9a-f]{10}$/);
    expect(result.provider).toBe('cpu');
    const t = result.timings;
    expect(t.ortMs).toBeGreaterThan(0);
    expect(t.totalMs).toBeGreaterThanOrEqual(t.loadMs + t.textEncodeMs + t.denoiseMs + t.decodeMs - 1);
  });

  test('defaults come from the model: its scheduler, native size, 20 steps, guidance 7.5', async () => {
    const steps: StepInfo[] = [];
    const result = await engine.generate(
      model,
      { prompt: '', seed: 5n, width: 64, height: 64 },
      { onStep: (s) => steps.push(s) },
    );
    expect(result.settings).toMatchObject({ scheduler: 'pndm', steps: 20, guidance: 7.5 });
    expect(steps.at(-1)?.total).toBe(21); // PNDM without PRK: one more UNet call than steps
  });

  test('cancelling stops within one step with an AbortError, and the engine carries on', async () => {
    const controller = new AbortController();
    let last = 0;
    const error = await engine
      .generate(model, base, {
        signal: controller.signal,
        onStep: ({ step }) => {
          last = step;
          if (step === 2) controller.abort();
        },
      })
      .catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect((error as GenerationAbortedError).step).toBe(2);
    expect(last).toBe(2);
    const aborted = AbortSignal.abort();
    expect(isAbortError(await engine.generate(model, base, { signal: aborted }).catch((e: unknown) => e))).toBe(true);
    expect((await engine.generate(model, base)).images).toHaveLength(1);
  });

  test('a truncated UNet fails the job with a ModelFolderError naming it; other models still load', async () => {
    const broken = writeFakeModel(join(root, 'broken'));
    const unet = join(broken, 'unet', 'model.onnx');
    truncateSync(unet, statSync(unet).size - 10);
    const error = await engine.generate(broken, base).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFolderError);
    expect((error as ModelFolderError).file).toBe(unet);
    expect((error as Error).message).toMatch(/model\.onnx: cannot load the ONNX model/);
    expect((await engine.generate(model, base)).images).toHaveLength(1);
  });

  test('tokenize gives the 77 input ids with bos, eos and padding', async () => {
    const ids = await engine.tokenize(model, 'A  b');
    expect(ids).toHaveLength(77);
    expect(ids.slice(0, 5)).toEqual([4, 1, 2, 5, 5]);
  });
});
