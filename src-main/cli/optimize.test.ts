import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { main } from './main';
import { captureIo } from './test-support/run-cli';

const work = mkdtempSync(path.join(os.tmpdir(), 'studio-optimize-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const model = path.join(import.meta.dirname, '../engine/test-fixtures/models/tiny-sd');

it('writes an optimised folder and prints the fusion counts', async () => {
  const c = captureIo();
  const out = path.join(work, 'fused');
  expect(await main(['optimize', '--model', model, '--out', out, '--json'], c.io)).toBe(0);
  const report = JSON.parse(c.out[0]);
  expect(report.provider).toBe('webgpu');
  expect(report.fusions.MultiHeadAttention).toBe(10);
  expect(existsSync(path.join(out, 'unet/model.onnx'))).toBe(true);
  expect(c.error.at(-1)).toBe('optimize: done');
});

it.each([
  [['optimize', '--out', 'x'], /option --model is required/],
  [['optimize', '--model', model], /option --out is required/],
  [['optimize', '--model', model, '--out', 'x', '--provider', 'auto'], /--provider must be one of cpu, cuda/],
  [['optimize', '--model', model, '--out', 'x', '--width', '512'], /--width and --height go together/],
  [['optimize', '--model', model, '--out', 'x', '--width', '500', '--height', '512'], /multiples of 8/],
  [['optimize', '--model', model, '--out', 'x', '--batch', '2'], /--batch needs --width and --height/],
])('exits 2 with one line for %j', async (argv, message) => {
  const c = captureIo();
  expect(await main(argv, c.io)).toBe(2);
  expect(c.error).toHaveLength(1);
  expect(c.error[0]).toMatch(message);
});

it('exits 1 naming a missing model folder', async () => {
  const c = captureIo();
  expect(await main(['optimize', '--model', path.join(work, 'nope'), '--out', path.join(work, 'o')], c.io)).toBe(1);
  expect(c.error[0]).toMatch(/nope: no such folder/);
});
