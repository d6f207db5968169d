// Reproduce: an image made again from its row has the same pixels as the stored file (with a real model).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createEngine, type Engine } from '../engine/engine';
import type { GenerateParams } from '../engine/engine-types';
import { decodePngRgb, encodePngWithMetadata } from '../formats/png/png-metadata';
import type { GalleryGenerate } from './reproduce';
import { testModelDir } from './test-support/test-model';
import { tempGallery, type TempGallery } from './test-support/temp-gallery';

describe(`reproduce (${path.basename(testModelDir)})`, () => {
  const modelDir = testModelDir;
  let engine: Engine;
  let t: TempGallery;
  let runs = 0;
  const generate: GalleryGenerate = async ({ model, params }) => {
    runs++;
    const result = await engine.generate(modelDir, params);
    expect(model).toEqual(result.settings.model);
    return result;
  };
  const make = async (params: GenerateParams) => {
    const result = await engine.generate(modelDir, params);
    return t.gallery.save({ ...result, initImage: params.initImage });
  };

  beforeAll(() => {
    engine = createEngine({ providers: 'cpu', threads: 1 });
    t = tempGallery({ generate });
  });
  afterAll(async () => {
    await engine.dispose();
    t.dispose();
  });

  test('txt2img, the second image of a batch, with an ancestral scheduler: identical pixels', async () => {
    const saved = await make({
      prompt: 'a red circle',
      negative: 'blue',
      seed: 2n ** 40n + 7n,
      steps: 4,
      scheduler: 'euler-a',
      batch: 2,
      width: 64,
      height: 64,
    });
    const result = await t.gallery.reproduce(saved[1].id);
    expect(result).toMatchObject({ id: saved[1].id, identical: true, maxDiff: 0 });
    const again = decodePngRgb(readFileSync(path.join(t.dir, result.media)));
    const stored = decodePngRgb(readFileSync(path.join(t.dir, saved[1].path)));
    expect(Buffer.from(again.rgb).equals(Buffer.from(stored.rgb))).toBe(true);
  });

  test('img2img from a gallery image: parent found, init image kept, identical pixels', async () => {
    const [parent] = await make({
      prompt: 'a blue square',
      seed: 3n,
      steps: 3,
      scheduler: 'ddim',
      width: 64,
      height: 64,
    });
    const init = decodePngRgb(readFileSync(path.join(t.dir, parent.path)));
    const initImage = { width: 64, height: 64, data: init.rgb };
    const [child] = await make({
      prompt: 'a green square',
      seed: 4n,
      steps: 5,
      strength: 0.6,
      scheduler: 'dpmpp-2m',
      width: 64,
      height: 64,
      initImage,
    });
    const [record] = t.gallery.records([child.id]);
    expect(record.parent).toBe(parent.id);
    expect(record.strength).toBe(0.6);
    expect(await t.gallery.reproduce(child.id)).toMatchObject({ identical: true, maxDiff: 0 });
  });

  test('a stored image that was changed is found out', async () => {
    const [saved] = await make({ prompt: 'a circle', seed: 5n, steps: 2, scheduler: 'euler', width: 64, height: 64 });
    const file = path.join(t.dir, saved.path);
    const image = decodePngRgb(readFileSync(file));
    image.rgb[10] = (image.rgb[10] + 9) % 256;
    const [record] = t.gallery.records([saved.id]);
    const settings = {
      prompt: record.prompt,
      negative: '',
      seed: 5n,
      steps: 2,
      guidance: 7.5,
      scheduler: 'euler' as const,
      width: 64,
      height: 64,
      batch: 1,
      strength: null,
      model: { name: record.model!, hash: record.modelHash! },
    };
    writeFileSync(file, encodePngWithMetadata(image, settings));
    const result = await t.gallery.reproduce(saved.id);
    expect(result.identical).toBe(false);
    expect(result.maxDiff).toBeGreaterThan(0);
    expect(runs).toBe(3);
  });

  test('an image made on another path is reproduced on that path, or refused in plain words', async () => {
    // The stand-in: the settings of a CPU job, saved as if a WebGPU machine with optimiser v1 had made them (there
    // is no GPU here). The engine is asked for that path and, on this machine, refuses rather than making another image.
    const params: GenerateParams = { prompt: 'a dot', seed: 9n, steps: 2, scheduler: 'ddim', width: 64, height: 64 };
    const result = await engine.generate(modelDir, params);
    const execution = { provider: 'webgpu', precision: 'fp16' as const, optimizerVersion: 1 };
    const [saved] = await t.gallery.save({ ...result, settings: { ...result.settings, execution } });
    const before = runs;
    await expect(t.gallery.reproduce(saved.id)).rejects.toMatchObject({
      code: 'unsupported',
      message: expect.stringMatching(
        /^this image was made with webgpu, fp16, graph optimiser v1, which this machine cannot run \(.+\); making it another way would give a different image$/,
      ) as unknown,
    });
    expect(runs).toBe(before + 1);

    // An image of the exact CPU path asks for exactly that path.
    const asked: GenerateParams[] = [];
    const t2 = tempGallery({
      generate: async (request) => {
        asked.push(request.params);
        return engine.generate(modelDir, request.params);
      },
    });
    try {
      const [copy] = await t2.gallery.save(await engine.generate(modelDir, { ...params, seed: 10n }));
      expect(await t2.gallery.reproduce(copy.id)).toMatchObject({ identical: true });
      expect(asked[0].execution).toEqual({ provider: 'cpu', precision: 'model', optimizerVersion: null });
    } finally {
      t2.dispose();
    }
  });
});
