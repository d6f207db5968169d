// The ONNX codec's output is a model ONNX Runtime runs exactly like the original: re-encoded in memory, and written
// with its weights moved to an external-data file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, readModelFile, writeModelFile } from '../formats/onnx';
import { fixtureFeeds, runOnCpu, type Component } from './test-support/fixture-feeds';

const fixtures = join(import.meta.dirname, 'test-fixtures/models');
const work = mkdtempSync(join(tmpdir(), 'onnx-runtime-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cases: Array<[string, Component]> = [
  ['tiny-sd', 'unet'],
  ['tiny-sd', 'text_encoder'],
  ['tiny-sd', 'vae_decoder'],
  ['tiny-sd', 'vae_encoder'],
  ['tiny-sd-fp16', 'unet'],
  ['tiny-sd-v', 'unet'],
];

describe('re-encoded fixture models run identically', () => {
  for (const [folder, component] of cases)
    it(`${folder}/${component}`, async () => {
      const file = join(fixtures, folder, component, 'model.onnx');
      const original = new Uint8Array(readFileSync(file));
      // An edit-free decode must still rebuild every message: drop the name so the bytes cannot be reused.
      const model = decodeModel(original);
      model.graph.name = `${model.graph.name ?? ''} re-encoded`;
      const feeds = fixtureFeeds(original, component);
      const [before, after] = [await runOnCpu(original, feeds), await runOnCpu(encodeModel(model), feeds)];
      expect(Object.keys(after)).toEqual(Object.keys(before));
      for (const name of Object.keys(before)) expect(after[name]).toEqual(before[name]);
    });

  it('tiny-sd-external/unet, rewritten with its weights in a new external file', async () => {
    const dir = join(fixtures, 'tiny-sd-external/unet');
    const model = await readModelFile(join(dir, 'model.onnx'));
    const out = join(work, 'model.onnx');
    await writeModelFile(out, model, { sourceDir: dir, externalData: { location: 'model.onnx.data', threshold: 256 } });
    const feeds = fixtureFeeds(readFileSync(join(dir, 'model.onnx')), 'unet');
    const before = await runOnCpu(join(dir, 'model.onnx'), feeds);
    const after = await runOnCpu(out, feeds);
    expect(after.out_sample).toEqual(before.out_sample);
  });
});
