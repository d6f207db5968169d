// SD 2.x's layout on a tiny checkpoint (tools/reference/make_checkpoint_fixture_v2.py): OpenCLIP's text encoder
// (fused q/k/v, a last layer the pipeline drops) and a UNet with linear projections and per-level heads, mapped
// exactly as diffusers maps them, and the built UNet computing what diffusers' UNet2DConditionModel computes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession } from '../../engine/onnx-session';
import { openCheckpoint, type CheckpointReader } from './checkpoint-reader';
import { applyConfig } from './config-source';
import { applyTransform, planConversion } from './conversion-plan';
import { detectArchitecture } from './detect-architecture';
import { importCheckpoint } from './import-checkpoint';

const fixtures = path.join(import.meta.dirname, 'fixtures');
const configFolder = path.join(fixtures, 'tiny-ldm-v2-config');
const expected = JSON.parse(readFileSync(path.join(fixtures, 'tiny-ldm-v2-expected.json'), 'utf8')) as Record<
  string,
  Record<string, { shape: number[]; sha256: string }>
> & { unetCase: { timestep: number; sample: number[]; context: number[]; out: number[] } };
let reader: CheckpointReader;
let temp: string;

beforeAll(async () => {
  reader = await openCheckpoint(path.join(fixtures, 'tiny-ldm-v2.safetensors'));
  temp = await mkdtemp(path.join(os.tmpdir(), 'sd2-layout-'));
});
afterAll(async () => {
  await reader.close();
  await rm(temp, { recursive: true, force: true });
});

describe('an SD 2.x-layout checkpoint', () => {
  it('is detected as SD 2.x from its OpenCLIP text encoder, one layer fewer, erf GELU', () => {
    const { family, config } = detectArchitecture(reader.tensors, 'v2');
    expect(family).toBe('sd2');
    expect(config.textEncoder).toMatchObject({ num_hidden_layers: 2, hidden_act: 'gelu', hidden_size: 32 });
    expect(config.unet.use_linear_projection).toBe(true);
  });

  it('maps every tensor as diffusers does, bit for bit (q/k/v split from in_proj, the last layer dropped)', async () => {
    const detected = detectArchitecture(reader.tensors, 'v2');
    const config = await applyConfig(detected.config, configFolder);
    const plan = planConversion(reader.tensors, config, detected.vaePrefix, 'v2');
    expect(plan.ignored.filter((n) => !n.includes('resblocks.2.'))).toEqual(['cond_stage_model.model.text_projection']);
    for (const component of ['unet', 'vae', 'text_encoder'] as const) {
      const want = expected[component];
      expect(plan.components[component].map((p) => p.target).sort()).toEqual(Object.keys(want).sort());
      for (const p of plan.components[component]) {
        const values = applyTransform(await reader.read(p.source), reader.tensors.get(p.source)!.dims, p.transform);
        const digest = createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
        expect(digest.digest('hex'), `${component} ${p.target}`).toBe(want[p.target].sha256);
      }
    }
  });

  it('imports; its UNet (linear projections, heads [2, 4]) gives diffusers’ output', async () => {
    const out = path.join(temp, 'v2');
    const result = await importCheckpoint({
      file: path.join(fixtures, 'tiny-ldm-v2.safetensors'),
      outDir: out,
      config: configFolder,
      tokenizerCandidates: [path.join(import.meta.dirname, '../../engine/test-fixtures/models/tiny-sd-v/tokenizer')],
    });
    expect(result).toMatchObject({ family: 'sd2', predictionType: 'v_prediction' });
    const c = expected.unetCase;
    const session = await openSession(path.join(out, 'unet', 'model.onnx'), {
      providers: ['cpu'],
      threads: 1,
      log: () => {},
    });
    const run = await session.run({
      sample: { type: 'float32', data: Float32Array.from(c.sample), dims: [2, 4, 8, 12] },
      timestep: { type: 'float32', data: new Float32Array([c.timestep, c.timestep]), dims: [2] },
      encoder_hidden_states: { type: 'float32', data: Float32Array.from(c.context), dims: [2, 77, 32] },
    });
    await session.release();
    const got = run.out_sample.data as Float32Array;
    const scale = Math.max(...c.out.map(Math.abs));
    const worst = Math.max(...c.out.map((v, i) => Math.abs(v - got[i])));
    expect(worst / scale).toBeLessThan(1e-5);
  });
});
