// The model library's and the settings' contract methods, through dispatch on a real studio and real model folders.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import { appRoot } from '../app-paths';
import type { ModelDetails } from '../shared/models';
import { createStudio, storedSettings, type Studio } from '../studio';

const fixtures = path.join(appRoot(), 'src-main', 'engine', 'test-fixtures', 'models');
const bundledModelsDir = path.join(appRoot(), 'models');
const temp = mkdtempSync(path.join(os.tmpdir(), 'studio-models-'));
const open = (dataDir: string) =>
  createStudio({ dataDir, appVersion: '0.0.0', bundledModelsDir, engineMode: 'inline', checkGallery: false });

let studio: Studio;
const dataDir = path.join(temp, 'data');
const call = async (method: string, input: unknown = {}) => dispatch(studio.handlers, method, input);
async function ok<T>(method: string, input: unknown = {}): Promise<T> {
  const outcome = await call(method, input);
  if (!outcome.ok) throw new Error(`${method}: ${outcome.error.code} ${outcome.error.message}`);
  return outcome.result as T;
}
async function refused(method: string, input: unknown) {
  const outcome = await call(method, input);
  if (outcome.ok) throw new Error(`${method} was accepted`);
  return outcome.error;
}

beforeAll(() => {
  studio = open(dataDir);
});
afterAll(async () => {
  await studio.close();
  rmSync(temp, { recursive: true, force: true });
});

describe('models methods', () => {
  it('describes the bundled model in full, its card as text', async () => {
    const [bundled] = await ok<ModelDetails[]>('models.details', { model: 'tiny-shapes' });
    expect(bundled).toMatchObject({
      id: 'bundled:tiny-shapes',
      source: 'bundled',
      default: true,
      problems: [],
      kind: 'sd1',
      precision: 'fp32',
      nativeSize: 128,
      inpainting: false,
      provider: 'cpu',
    });
    expect(bundled.sizeBytes).toBeGreaterThan(1_000_000);
    expect(bundled.readme).toMatch(/^# tiny-shapes/);
  });

  it('tells an inpainting model (9-channel UNet) from the others', async () => {
    const added = await ok<ModelDetails>('models.add', { path: path.join(fixtures, 'tiny-sd-inpaint') });
    expect(added).toMatchObject({ name: 'tiny-sd-inpaint', inpainting: true, img2img: true, problems: [] });
    await ok('models.remove', { model: added.id });
  });

  it('reports every missing file of a broken folder, naming each', async () => {
    const broken = path.join(temp, 'broken');
    cpSync(path.join(fixtures, 'tiny-sd'), broken, { recursive: true });
    rmSync(path.join(broken, 'unet'), { recursive: true });
    rmSync(path.join(broken, 'tokenizer', 'merges.txt'));
    writeFileSync(path.join(broken, 'scheduler', 'scheduler_config.json'), '{ nope');
    const error = await refused('models.add', { path: broken });
    expect(error.code).toBe('model_invalid');
    const problems = (error.details as { problems: { file: string; problem: string }[] }).problems;
    expect(problems).toEqual([
      { file: 'scheduler/scheduler_config.json', problem: expect.stringMatching(/^malformed JSON/) },
      { file: 'tokenizer/merges.txt', problem: 'missing file' },
      { file: 'unet/model.onnx', problem: 'missing file (no unet/ folder)' },
    ]);
    expect(error.message).toContain('unet/model.onnx');
    expect((await ok<unknown[]>('models.list')).length).toBe(1);
  });

  it('refuses what is not a folder, and a folder twice', async () => {
    const file = path.join(temp, 'a-file.txt');
    writeFileSync(file, 'x');
    expect(await refused('models.add', { path: file })).toMatchObject({ code: 'invalid_input', message: /not a folder/ });
    expect((await refused('models.add', { path: path.join(temp, 'nowhere') })).message).toMatch(/no such folder/);
    expect((await refused('models.add', { path: path.join(bundledModelsDir, 'tiny-shapes') })).code).toBe('conflict');
  });

  it('imports a folder where it lies, makes it the default, and forgets it without touching its files', async () => {
    const fp16 = path.join(temp, 'half');
    cpSync(path.join(fixtures, 'tiny-sd-fp16'), fp16, { recursive: true });
    const added = await ok<ModelDetails>('models.add', { path: fp16 });
    expect(added).toMatchObject({ name: 'half', source: 'imported', precision: 'fp16', problems: [], default: false });
    expect(added.id).toMatch(/^imported:[0-9a-f]{12}$/);

    const list = await ok<{ id: string; default: boolean }[]>('models.setDefault', { model: 'half' });
    expect(list.find((m) => m.default)?.id).toBe(added.id);
    expect((await ok<{ defaultModel: string }>('settings.get')).defaultModel).toBe(added.id);

    // Remembered in the data directory: another studio on it sees the same library.
    await studio.close();
    studio = open(dataDir);
    const info = await ok<{ models: { id: string; default: boolean }[] }>('system.info');
    expect(info.models.map((m) => [m.id, m.default])).toEqual([
      ['bundled:tiny-shapes', false],
      [added.id, true],
    ]);

    expect(await ok('models.remove', { model: added.id })).toEqual({ removed: added.id, deletedFiles: false });
    expect(existsSync(path.join(fp16, 'unet', 'model.onnx'))).toBe(true);
    const after = await ok<{ id: string; default: boolean }[]>('models.rescan');
    expect(after).toEqual([expect.objectContaining({ id: 'bundled:tiny-shapes', default: true })]);
  });

  it('deletes a folder in the data directory only when confirmed; never a bundled one', async () => {
    const own = path.join(dataDir, 'models', 'v-model');
    cpSync(path.join(fixtures, 'tiny-sd-v'), own, { recursive: true });
    const [v] = await ok<ModelDetails[]>('models.details', { model: 'v-model' });
    expect(v).toMatchObject({ id: 'user:v-model', source: 'data', predictionType: 'v_prediction' });
    expect(await refused('models.remove', { model: 'v-model' })).toMatchObject({ code: 'invalid_input' });
    expect(existsSync(own)).toBe(true);
    expect(await ok('models.remove', { model: 'v-model', deleteFiles: true })).toEqual({
      removed: 'user:v-model',
      deletedFiles: true,
    });
    expect(existsSync(own)).toBe(false);
    expect((await refused('models.remove', { model: 'tiny-shapes', deleteFiles: true })).code).toBe('invalid_input');
    expect((await refused('models.setDefault', { model: 'nothing' })).code).toBe('not_found');
  });
});

describe('settings methods', () => {
  it('starts from the defaults and stores typed values', async () => {
    expect(await ok('settings.get')).toEqual({
      providers: 'auto',
      threads: 0,
      defaultModel: null,
      defaultScheduler: null,
      theme: 'dark',
      hubEndpoint: 'https://huggingface.co',
    });
    await ok('settings.set', { key: 'theme', value: 'light' });
    await ok('settings.set', { key: 'threads', value: 3 });
    await ok('settings.set', { key: 'providers', value: 'cpu' });
    const settings = await ok('settings.set', { key: 'defaultScheduler', value: 'euler-a' });
    expect(settings).toMatchObject({ theme: 'light', threads: 3, providers: 'cpu', defaultScheduler: 'euler-a' });
    expect(storedSettings(dataDir)).toEqual(settings);
  });

  it.each([
    ['an unknown key', { key: 'colour', value: 'red' }],
    ['a mistyped value', { key: 'threads', value: 'four' }],
    ['a value out of range', { key: 'threads', value: 1000 }],
    ['an unknown provider', { key: 'providers', value: 'tpu' }],
    ['an extra field', { key: 'theme', value: 'dark', also: 1 }],
  ])('refuses %s', async (_name, input) => {
    expect((await refused('settings.set', input)).code).toBe('invalid_input');
  });

  it('accepts only an installed default model, stored by id', async () => {
    expect((await refused('settings.set', { key: 'defaultModel', value: 'nothing' })).code).toBe('not_found');
    const settings = await ok<{ defaultModel: string }>('settings.set', { key: 'defaultModel', value: 'tiny-shapes' });
    expect(settings.defaultModel).toBe('bundled:tiny-shapes');
  });

  it('empties the cache folder and says how much was freed', async () => {
    const cache = path.join(dataDir, 'cache');
    mkdirSync(path.join(cache, 'graphs'), { recursive: true });
    writeFileSync(path.join(cache, 'graphs', 'a.onnx'), Buffer.alloc(3000));
    writeFileSync(path.join(cache, 'timings.json'), '{}');
    expect(await ok('settings.cacheSize')).toEqual({ bytes: 3002, files: 2 });
    expect(await ok('settings.clearCache')).toEqual({ bytes: 3002, files: 2 });
    expect(await ok('settings.cacheSize')).toEqual({ bytes: 0, files: 0 });
    expect(existsSync(cache)).toBe(true);
  });
});
