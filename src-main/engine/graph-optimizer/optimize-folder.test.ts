// The whole folder: fused (and fixed, and fp16) graphs of the tiny fixture model give the plain graphs' outputs on
// the CPU within the optimiser's tolerances, and the result is a folder the engine's own checks accept.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../formats/onnx';
import { checkModelFolder } from '../model-folder-check';
import { fixtureFeeds, relativeError, runOnCpu, type Component } from '../test-support/fixture-feeds';
import { OPTIMIZER_VERSION, optimizeModelFolder } from '.';

const fixtures = join(import.meta.dirname, '../test-fixtures/models');
const work = mkdtempSync(join(tmpdir(), 'optimize-folder-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const components: Component[] = ['unet', 'text_encoder', 'vae_decoder', 'vae_encoder'];

async function compare(plainDir: string, optimisedDir: string, component: Component, batch: number, tolerance: number) {
  const plain = join(plainDir, component, 'model.onnx');
  const feeds = fixtureFeeds(new Uint8Array(readFileSync(plain)), component, batch);
  const [a, b] = [await runOnCpu(plain, feeds), await runOnCpu(join(optimisedDir, component, 'model.onnx'), feeds)];
  for (const name of Object.keys(a))
    expect(relativeError(a[name], b[name]), `${component} ${name}`).toBeLessThan(tolerance);
}

describe('optimizeModelFolder', () => {
  it('fuses tiny-sd in fp32 within 1e-4 of the plain graphs, as a complete diffusers folder', async () => {
    const out = join(work, 'fp32');
    const stages: string[] = [];
    const report = await optimizeModelFolder({
      modelDir: join(fixtures, 'tiny-sd'),
      outDir: out,
      fp16: false,
      onProgress: (_, stage) => stages.push(stage),
    });
    expect(report.optimizerVersion).toBe(OPTIMIZER_VERSION);
    expect(report.fusions).toEqual({
      MultiHeadAttention: 10,
      LayerNormalization: 4,
      SkipLayerNormalization: 13,
      Gelu: 4,
      QuickGelu: 2,
    });
    expect(report.components).toEqual(['text_encoder', 'unet', 'vae_decoder', 'vae_encoder']);
    expect(report.files).toEqual(
      expect.arrayContaining([
        'model_index.json',
        'scheduler/scheduler_config.json',
        'tokenizer/vocab.json',
        'unet/config.json',
        'unet/model.onnx',
      ]),
    );
    expect(stages.at(-1)).toBe('done');
    expect((await checkModelFolder(out)).problems).toEqual([]);
    for (const component of components) await compare(join(fixtures, 'tiny-sd'), out, component, 2, 1e-4);
  });

  it('fixes the size, folds the shape arithmetic and converts to fp16 within 1e-2, keeping fp32 graph I/O', async () => {
    const out = join(work, 'fp16');
    const report = await optimizeModelFolder({
      modelDir: join(fixtures, 'tiny-sd-external'),
      outDir: out,
      fp16: true,
      fixedSize: { width: 64, height: 64, batch: 2 },
    });
    expect(report.fusions.MultiHeadAttention).toBe(10);
    expect(report.fusions.foldedShapeValues).toBeGreaterThan(50);
    const unet = decodeModel(new Uint8Array(readFileSync(join(out, 'unet/model.onnx'))));
    expect(
      unet.graph.inputs.map((i) => [i.name, i.type?.tensor?.elemType, i.type?.tensor?.shape?.map((d) => d.value)]),
    ).toEqual([
      ['sample', 1, [2, 4, 8, 8]],
      ['timestep', 7, [1]],
      ['encoder_hidden_states', 1, [2, 77, 32]],
    ]);
    // No shape arithmetic is left for a GPU provider to hand back to the CPU.
    expect(unet.graph.nodes.filter((n) => n.opType === 'Shape')).toEqual([]);
    expect(unet.graph.initializers.some((t) => t.dataType === 10)).toBe(true);
    await compare(join(fixtures, 'tiny-sd'), out, 'unet', 2, 1e-2);
    await compare(join(fixtures, 'tiny-sd'), out, 'vae_decoder', 1, 1e-2);
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const options = { modelDir: join(fixtures, 'tiny-sd'), outDir: join(work, 'aborted'), fp16: false };
    await expect(optimizeModelFolder({ ...options, signal: controller.signal })).rejects.toThrow(/abort/i);
  });

  it('refuses to write over the model folder, and odd sizes', async () => {
    const modelDir = join(fixtures, 'tiny-sd');
    await expect(optimizeModelFolder({ modelDir, outDir: modelDir, fp16: false })).rejects.toThrow(
      /must not be the model folder/,
    );
    await expect(
      optimizeModelFolder({
        modelDir,
        outDir: join(work, 'odd'),
        fp16: false,
        fixedSize: { width: 60, height: 64, batch: 1 },
      }),
    ).rejects.toThrow(/multiples of 8/);
  });
});
