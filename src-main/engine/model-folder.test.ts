import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createEngine } from './engine';
import { ModelFolderError, readModelFolder } from './model-folder';
import { writeFakeModel } from './test-support/fake-model';

const root = mkdtempSync(join(tmpdir(), 'model-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const fresh = (options?: Parameters<typeof writeFakeModel>[1]) => writeFakeModel(join(root, `m${count++}`), options);

async function folderError(dir: string): Promise<ModelFolderError> {
  const error = await readModelFolder(dir).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModelFolderError);
  return error as ModelFolderError;
}

describe('describing a model folder', () => {
  test('SD 1.x defaults when the components have no config.json', async () => {
    const dir = fresh();
    const model = await readModelFolder(dir);
    expect(model).toMatchObject({
      name: dir.split('/').pop(),
      dir,
      kind: 'sd1',
      schedulerClass: 'PNDMScheduler',
      defaultScheduler: 'pndm',
      predictionType: 'epsilon',
      latentChannels: 4,
      vaeScaleFactor: 8,
      vaeScalingFactor: 0.18215,
      nativeSize: 512,
      padToken: '<|endoftext|>',
    });
    expect(model.files.unet).toBe(join(dir, 'unet', 'model.onnx'));
    expect(model.files.vaeEncoder).toBeNull();
    expect(model.hash).toMatch(/^[0-9a-f]{10}$/);
  });

  test('per-component configs refine kind, sizes and factors', async () => {
    const dir = fresh({
      vaeEncoder: true,
      schedulerConfig: { _class_name: 'EulerDiscreteScheduler', prediction_type: 'v_prediction' },
      configs: {
        text_encoder: { hidden_size: 1024 },
        unet: { sample_size: 96, in_channels: 4 },
        vae_decoder: { block_out_channels: [128, 256, 512, 512], scaling_factor: 0.13025 },
      },
    });
    const model = await readModelFolder(dir);
    expect(model).toMatchObject({
      kind: 'sd2',
      predictionType: 'v_prediction',
      nativeSize: 768,
      vaeScalingFactor: 0.13025,
      defaultScheduler: 'euler',
    });
    expect(model.files.vaeEncoder).toBe(join(dir, 'vae_encoder', 'model.onnx'));
  });

  test("an inpainting UNet's 9 channels: from unet/config.json, else from an inpainting model_index.json", async () => {
    const configured = fresh({ configs: { unet: { in_channels: 9, out_channels: 4 } } });
    expect(await readModelFolder(configured)).toMatchObject({ unetInChannels: 9, latentChannels: 4 });
    const indexOnly = fresh();
    writeFileSync(
      join(indexOnly, 'model_index.json'),
      JSON.stringify({ _class_name: 'OnnxStableDiffusionInpaintPipeline', _diffusers_version: '0.40.0' }),
    );
    expect(await readModelFolder(indexOnly)).toMatchObject({ unetInChannels: 9, latentChannels: 4 });
    expect(await readModelFolder(fresh())).toMatchObject({ unetInChannels: 4, latentChannels: 4 });
  });

  test('the hash is stable across copies and changes with any model file', async () => {
    const a = await readModelFolder(fresh());
    const b = await readModelFolder(fresh());
    expect(a.hash).toBe(b.hash);
    const changed = fresh();
    appendFileSync(join(changed, 'unet', 'model.onnx_data'), new Uint8Array(16));
    expect((await readModelFolder(changed)).hash).not.toBe(a.hash);
  });
});

describe('refusing what is not a usable model folder', () => {
  test('missing folder, a file, no model_index.json', async () => {
    expect((await folderError(join(root, 'nope'))).problem).toBe('no such folder');
    const file = join(root, 'plain.txt');
    writeFileSync(file, 'x');
    expect((await folderError(file)).message).toBe(`${file}: not a folder`);
    const empty = mkdtempSync(join(root, 'empty-'));
    expect((await folderError(empty)).message).toBe(`${empty}: not a diffusers model folder (no model_index.json)`);
  });

  test('a missing UNet names the file', async () => {
    const dir = fresh();
    unlinkSync(join(dir, 'unet', 'model.onnx'));
    const error = await folderError(dir);
    expect(error.file).toBe(join(dir, 'unet', 'model.onnx'));
    expect(error.message).toBe(`${join(dir, 'unet', 'model.onnx')}: missing file`);
  });

  test('malformed JSON and empty files name the file', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'scheduler', 'scheduler_config.json'), '{"_class_name": "PNDMScheduler",');
    const error = await folderError(dir);
    expect(error.file).toBe(join(dir, 'scheduler', 'scheduler_config.json'));
    expect(error.problem).toMatch(/^malformed JSON/);
    const emptyVae = fresh();
    writeFileSync(join(emptyVae, 'vae_decoder', 'model.onnx'), '');
    expect((await folderError(emptyVae)).problem).toBe('file is empty');
  });
});

describe('a damaged copy of a real fixture', () => {
  test('a truncated UNet is reported when its session is created, naming the file', async () => {
    const dir = join(root, 'damaged-tiny-sd');
    cpSync(join(import.meta.dirname, 'test-fixtures', 'models', 'tiny-sd'), dir, { recursive: true });
    const unet = join(dir, 'unet', 'model.onnx');
    truncateSync(unet, Math.floor(statSync(unet).size / 2));
    await readModelFolder(dir); // the folder still looks complete
    const engine = createEngine({ providers: 'cpu', threads: 1 });
    const error = await engine.generate(dir, { prompt: 'a red circle', seed: 1n, steps: 2 }).catch((e: unknown) => e);
    await engine.dispose();
    expect(error).toBeInstanceOf(ModelFolderError);
    expect((error as ModelFolderError).file).toBe(unet);
  });

  test('external weights missing or cut short are named, with how many bytes the graph needs', async () => {
    const dir = join(root, 'damaged-tiny-sd-external');
    cpSync(join(import.meta.dirname, 'test-fixtures', 'models', 'tiny-sd-external'), dir, { recursive: true });
    const weights = join(dir, 'unet', 'weights.pb');
    const size = statSync(weights).size;
    truncateSync(weights, 1000);
    const engine = createEngine({ providers: 'cpu', threads: 1 });
    const job = { prompt: 'a red circle', seed: 1n, steps: 1 };
    const short = await engine.generate(dir, job).catch((e: unknown) => e);
    unlinkSync(weights);
    const missing = await engine.generate(dir, job).catch((e: unknown) => e);
    await engine.dispose();
    expect((short as Error).message).toBe(
      `${weights}: 1000 bytes, model.onnx needs ${size} (a partial download or copy?)`,
    );
    expect((missing as Error).message).toBe(`${weights}: missing file (model.onnx keeps its weights there)`);
  });
});
