// Each built graph against the graph torch exported from diffusers' own module with the same weights (the engine's
// tiny-sd fixture, tools/reference/make_fixture_models.py), on the same inputs: the builders compute what
// diffusers' classes compute, layer for layer, at batch 2 and at a non-square size.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, type PlainTensor } from '../../../engine/onnx-session';
import { importCheckpoint } from '../import-checkpoint';

const exported = path.join(import.meta.dirname, '../../../engine/test-fixtures/models/tiny-sd');
const checkpoint = path.join(import.meta.dirname, '../fixtures/tiny-ldm.safetensors');
let temp: string;
let built: string;

beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'graphs-vs-export-'));
  built = path.join(temp, 'imported');
  await importCheckpoint({ file: checkpoint, outDir: built, config: exported, tokenizerCandidates: [] });
}, 60_000);
afterAll(() => rm(temp, { recursive: true, force: true }));

let seed = 7;
const random = (n: number) =>
  Float32Array.from({ length: n }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1);
const f32 = (data: Float32Array, dims: number[]): PlainTensor => ({ type: 'float32', data, dims });

async function run(folder: string, graph: string, feeds: Record<string, PlainTensor>): Promise<Float32Array> {
  const session = await openSession(path.join(folder, graph, 'model.onnx'), {
    providers: ['cpu'],
    threads: 1,
    log: () => {},
  });
  try {
    const out = await session.run(feeds);
    return out[session.outputs[0].name].data as Float32Array;
  } finally {
    await session.release();
  }
}

/** Largest |a − b| relative to the largest |b|. */
function relativeError(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

describe('built graphs compute what diffusers’ exported modules compute', () => {
  it('text encoder', async () => {
    const ids = Int32Array.from({ length: 2 * 77 }, (_, i) => (i % 77 === 0 ? 539 : i % 77 < 5 ? 100 + i : 540));
    const feeds = { input_ids: { type: 'int32', data: ids, dims: [2, 77] } as PlainTensor };
    expect(relativeError(await run(built, 'text_encoder', feeds), await run(exported, 'text_encoder', feeds))).toBeLessThan(1e-6);
  });

  it('UNet (batch 2, 8×12 latents)', async () => {
    const sample = f32(random(2 * 4 * 8 * 12), [2, 4, 8, 12]);
    const context = f32(random(2 * 77 * 32), [2, 77, 32]);
    const mine = await run(built, 'unet', {
      sample,
      timestep: f32(new Float32Array([601, 601]), [2]),
      encoder_hidden_states: context,
    });
    const theirs = await run(exported, 'unet', {
      sample,
      timestep: { type: 'int64', data: new BigInt64Array([601n]), dims: [1] },
      encoder_hidden_states: context,
    });
    expect(relativeError(mine, theirs)).toBeLessThan(1e-5);
  });

  it('VAE decoder and encoder (the encoder’s mean half)', async () => {
    const latents = f32(random(4 * 8 * 12), [1, 4, 8, 12]);
    const decoded = await run(built, 'vae_decoder', { latent_sample: latents });
    expect(relativeError(decoded, await run(exported, 'vae_decoder', { latent_sample: latents }))).toBeLessThan(1e-5);
    const image = f32(random(3 * 64 * 96), [1, 3, 64, 96]);
    const parameters = await run(built, 'vae_encoder', { sample: image });
    const mean = parameters.slice(0, 4 * 8 * 12);
    expect(relativeError(mean, await run(exported, 'vae_encoder', { sample: image }))).toBeLessThan(1e-5);
  });
});
