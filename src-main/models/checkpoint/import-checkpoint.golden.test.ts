// The proof of exactness: the tiny LDM checkpoint (fixtures/, made by tools/reference/make_checkpoint_fixture.py from
// the very modules the engine's fixtures were exported from) imported by the studio gives diffusers' images.
// make_checkpoint_fixture.py checks that diffusers' single-file conversion of this checkpoint returns those modules
// bit for bit, so the engine's references (diffusers' StableDiffusionPipeline on them,
// engine/test-fixtures/references) are the single-file pipeline's images for every case whose semantics the
// imported graphs share: txt2img with integer timesteps on the ε model (the references truncate timesteps to int64
// there, as its graph declares; an import takes them as float32 like torch), and txt2img on the v-prediction model
// (float32 timesteps in both). Tolerance as engine-semantics.md: each 8-bit channel within 3 levels, ≥ 99 % within 1.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createEngine } from '../../engine';
import { expectNearReference, readReferenceIndex, referenceParams } from '../../engine/test-support/diffusers-references';
import { importCheckpoint, type CheckpointImportResult } from './import-checkpoint';

const engineFixtures = path.join(import.meta.dirname, '../../engine/test-fixtures');
const checkpoint = path.join(import.meta.dirname, 'fixtures', 'tiny-ldm.safetensors');

const { cases } = readReferenceIndex();
const golden = [
  'txt2img-pndm',
  'txt2img-ddim',
  'txt2img-dpmpp-2m',
  'txt2img-dpmpp-2m-karras',
  'txt2img-lcm',
  'txt2img-guidance-1',
  'v-txt2img-ddim',
  'v-txt2img-euler',
].map((id) => [cases.find((c) => c.id === id)!, null] as const);
const goldenFp16 = ['txt2img-pndm', 'txt2img-dpmpp-2m'].map((id) => [cases.find((c) => c.id === id)!, 'tiny-sd-fp16'] as const);

let temp: string;
const imported = new Map<string, CheckpointImportResult>();
const engine = createEngine({ providers: 'cpu', threads: 1 });

beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'checkpoint-golden-'));
  // The ε model's and the v model's settings (scheduler, pad token) come from --config, as diffusers' `config=`.
  for (const model of ['tiny-sd', 'tiny-sd-v']) {
    const result = await importCheckpoint({
      file: checkpoint,
      outDir: path.join(temp, model),
      config: path.join(engineFixtures, 'models', model),
      tokenizerCandidates: [],
    });
    imported.set(model, result);
  }
  // --fp16: the weights stored as float16, computed in float32; from the .ckpt, to cover that reader end to end.
  const fp16 = await importCheckpoint({
    file: checkpoint.replace(/\.safetensors$/, '.ckpt'),
    outDir: path.join(temp, 'tiny-sd-fp16'),
    config: path.join(engineFixtures, 'models', 'tiny-sd'),
    precision: 'fp16',
    tokenizerCandidates: [],
  });
  imported.set('tiny-sd-fp16', fp16);
}, 60_000);
afterAll(async () => {
  await engine.dispose();
  await rm(temp, { recursive: true, force: true });
});

describe('an imported LDM checkpoint makes diffusers’ images', () => {
  test('the imports are what the configs say', () => {
    expect(imported.get('tiny-sd')).toMatchObject({ family: 'sd1', predictionType: 'epsilon', precision: 'fp32' });
    expect(imported.get('tiny-sd-v')).toMatchObject({ predictionType: 'v_prediction' });
    expect(imported.get('tiny-sd-fp16')).toMatchObject({ precision: 'fp16' });
  });

  test.each([...golden, ...goldenFp16].map(([c, model]) => [`${c.id} (${model ?? c.model})`, c, model] as const))(
    '%s',
    async (_name, c, model) => {
    const result = await engine.generate(imported.get(model ?? c.model)!.folder, referenceParams(c));
    c.images.forEach((file, i) => expectNearReference(result.images[i], file));
  },
  );
});
