import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ModelFolderError } from '../engine-errors';
import type { SessionSettings } from '../onnx-session';
import { onnxModel, type GraphDecl } from '../test-support/onnx-writer';
import { openTextEncoder } from './text-encoder';
import { openUNet } from './unet';
import { openVaeDecoder } from './vae-decoder';
import { openVaeEncoder } from './vae-encoder';

const dir = mkdtempSync(join(tmpdir(), 'adapters-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const settings: SessionSettings = { providers: ['cpu'], threads: 1, log: () => {} };
let count = 0;
function graphFile(graph: GraphDecl): string {
  const file = join(dir, `g${count++}.onnx`);
  writeFileSync(file, onnxModel(graph));
  return file;
}

const latent = (type: 'float32' | 'float16') => ({ name: 'sample', type, shape: ['batch', 4, 2, 2] }) as const;
const context = (type: 'float32' | 'float16') =>
  ({ name: 'encoder_hidden_states', type, shape: ['batch', 77, 8] }) as const;

describe('unet', () => {
  test('an int64 timestep gets the truncated value, one per batch row when the shape is dynamic', async () => {
    const file = graphFile({
      inputs: [latent('float32'), { name: 'timestep', type: 'int64', shape: ['batch'] }, context('float32')],
      outputs: [{ name: 'out_sample', type: 'float32', shape: ['batch'], from: 'timestep' }],
    });
    const unet = await openUNet(file, settings);
    const out = await unet.predict({
      sample: new Float32Array(32),
      dims: [2, 4, 2, 2],
      timestep: 946.7,
      context: new Float32Array(2 * 77 * 8),
      contextDims: [2, 77, 8],
    });
    expect(Array.from(out)).toEqual([946, 946]);
    expect(unet.session.runMs).toBeGreaterThan(0);
  });

  test('fp16 graphs take and give half floats; a fixed [1] timestep gets one value', async () => {
    const file = graphFile({
      inputs: [latent('float16'), { name: 'timestep', type: 'float16', shape: [1] }, context('float16')],
      outputs: [
        { name: 'out_sample', type: 'float16', shape: ['batch', 4, 2, 2], from: 'sample' },
        { name: 't', type: 'float32', shape: [1], from: 'timestep' },
      ],
    });
    const unet = await openUNet(file, settings);
    const sample = Float32Array.from({ length: 32 }, (_, i) => i / 3);
    // Batch 2 with a fixed [1] timestep: feeding [2] would be refused by ONNX Runtime.
    const out = await unet.predict({
      sample,
      dims: [2, 4, 2, 2],
      timestep: 500.5,
      context: new Float32Array(2 * 77 * 8),
      contextDims: [2, 77, 8],
    });
    expect(out.length).toBe(32);
    out.forEach((v, i) => expect(Math.abs(v - sample[i])).toBeLessThanOrEqual(Math.abs(sample[i]) * 2 ** -11));
  });

  test('inputs it cannot feed are refused up front, naming the file', async () => {
    const sdxl = graphFile({
      inputs: [
        latent('float32'),
        { name: 'timestep', type: 'int64', shape: [1] },
        context('float32'),
        { name: 'text_embeds', type: 'float32', shape: [1, 1280] },
      ],
      outputs: [{ name: 'out_sample', type: 'float32', shape: ['batch', 4, 2, 2], from: 'sample' }],
    });
    await expect(openUNet(sdxl, settings)).rejects.toThrow(
      new ModelFolderError(
        sdxl,
        'unexpected input "text_embeds" (this graph kind takes sample, timestep, encoder_hidden_states, timestep_cond)',
      ),
    );
    const intSample = graphFile({
      inputs: [
        { name: 'sample', type: 'int32', shape: [1] },
        { name: 'timestep', type: 'int64', shape: [1] },
        context('float32'),
      ],
      outputs: [{ name: 'out_sample', type: 'int32', shape: [1], from: 'sample' }],
    });
    await expect(openUNet(intSample, settings)).rejects.toThrow(
      /input "sample" has element type int32, expected float32 or float16/,
    );
    const missing = graphFile({
      inputs: [latent('float32')],
      outputs: [{ name: 'out_sample', type: 'float32', shape: ['batch', 4, 2, 2], from: 'sample' }],
    });
    await expect(openUNet(missing, settings)).rejects.toThrow(/missing input "timestep"/);
  });
});

describe('text encoder and VAE', () => {
  test('text encoder feeds int64 ids and reads last_hidden_state', async () => {
    const file = graphFile({
      inputs: [{ name: 'input_ids', type: 'int64', shape: ['batch', 'sequence'] }],
      outputs: [{ name: 'last_hidden_state', type: 'float32', shape: ['batch', 'sequence'], from: 'input_ids' }],
    });
    const encoder = await openTextEncoder(file, settings);
    const { data, dims } = await encoder.encode(Int32Array.of(49406, 320, 49407));
    expect(Array.from(data)).toEqual([49406, 320, 49407]);
    expect(dims).toEqual([1, 3]);
  });

  test('VAE encoder reports which output kind it has; decoder passes through', async () => {
    const params = graphFile({
      inputs: [{ name: 'sample', type: 'float32', shape: [1, 3, 2, 2] }],
      outputs: [{ name: 'latent_parameters', type: 'float32', shape: [1, 3, 2, 2], from: 'sample' }],
    });
    const encoded = await (await openVaeEncoder(params, settings)).encode(new Float32Array(12).fill(0.5), [1, 3, 2, 2]);
    expect(encoded.kind).toBe('parameters');
    const odd = graphFile({
      inputs: [{ name: 'sample', type: 'float32', shape: [1] }],
      outputs: [{ name: 'mean', type: 'float32', shape: [1], from: 'sample' }],
    });
    await expect(openVaeEncoder(odd, settings)).rejects.toThrow(
      /expected an output latent_sample or latent_parameters, found mean/,
    );
    const decoderFile = graphFile({
      inputs: [{ name: 'latent_sample', type: 'float16', shape: [1, 3, 1, 1] }],
      outputs: [{ name: 'sample', type: 'float16', shape: [1, 3, 1, 1], from: 'latent_sample' }],
    });
    const decoded = await (
      await openVaeDecoder(decoderFile, settings)
    ).decode(Float32Array.of(-1, 0.5, 2), [1, 3, 1, 1]);
    expect(Array.from(decoded.data)).toEqual([-1, 0.5, 2]);
  });

  test('a truncated or non-ONNX file is a ModelFolderError naming it', async () => {
    const good = onnxModel({
      inputs: [{ name: 'latent_sample', type: 'float32', shape: [1] }],
      outputs: [{ name: 'sample', type: 'float32', shape: [1], from: 'latent_sample' }],
    });
    const truncated = join(dir, 'truncated.onnx');
    writeFileSync(truncated, good.subarray(0, good.length - 20));
    const error = await openVaeDecoder(truncated, settings).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFolderError);
    expect((error as ModelFolderError).file).toBe(truncated);
    expect((error as Error).message).toMatch(/^.*truncated\.onnx: cannot load the ONNX model/);
  });
});
