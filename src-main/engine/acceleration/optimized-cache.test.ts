// The optimised-copy cache with a stand-in optimiser that copies the folder (the real one is tested on its own): it
// checks the cache's promises — build once, share concurrent builds, atomic entries, rebuild on model or version change.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyName, createOptimizedCache, type BuildProgress, type OptimizedCopyKey } from './optimized-cache';
import type { GraphOptimizer, OptimizeOptions } from './optimizer-types';

const temp = mkdtempSync(path.join(os.tmpdir(), 'optimized-cache-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function modelFolder(name: string): string {
  const dir = path.join(temp, name);
  mkdirSync(path.join(dir, 'unet'), { recursive: true });
  writeFileSync(path.join(dir, 'model_index.json'), '{}');
  writeFileSync(path.join(dir, 'unet', 'model.onnx'), `weights of ${name}`);
  return dir;
}

/** Copies the model folder, reporting progress half-way; `gate` holds the build open until the test releases it. */
function copyingOptimizer(version: number) {
  const calls: OptimizeOptions[] = [];
  let release: () => void = () => {};
  let gate: Promise<void> | null = null;
  const optimizer: GraphOptimizer = {
    version,
    async optimize(options) {
      calls.push(options);
      await cp(options.modelDir, options.outDir, { recursive: true });
      options.onProgress?.(0.5, 'copying');
      if (gate) await gate;
      return { optimizerVersion: version, fusions: {}, components: ['unet'], files: ['unet/model.onnx'] };
    },
  };
  return {
    optimizer,
    calls,
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    release: () => release(),
  };
}

const key = (modelHash: string, over: Partial<OptimizedCopyKey> = {}): OptimizedCopyKey => ({
  modelHash,
  provider: 'webgpu',
  precision: 'fp16',
  size: { width: 512, height: 512, batch: 2 },
  ...over,
});

describe('optimised-copy cache', () => {
  it('builds a copy once and reuses it afterwards, also from a new cache object', async () => {
    const cacheDir = path.join(temp, 'reuse');
    const model = modelFolder('reuse-model');
    const fake = copyingOptimizer(1);
    const cache = createOptimizedCache({ cacheDir, optimizer: fake.optimizer });
    const progress: BuildProgress[] = [];
    const copy = await cache.get(model, key('aaaaaa0001'), (p) => progress.push(p));
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]).toMatchObject({
      modelDir: model,
      fp16: true,
      fixedSize: { width: 512, height: 512, batch: 2 },
    });
    expect(progress.map((p) => [p.fraction, p.stage])).toEqual([
      [0.5, 'copying'],
      [1, 'done'],
    ]);
    expect(copy.dir).toBe(path.join(cacheDir, 'optimized', 'aaaaaa0001', 'webgpu-fp16-512x512x2-v1'));
    expect(readFileSync(path.join(copy.dir, 'unet', 'model.onnx'), 'utf8')).toBe('weights of reuse-model');

    expect((await cache.get(model, key('aaaaaa0001'))).dir).toBe(copy.dir);
    const again = createOptimizedCache({ cacheDir, optimizer: fake.optimizer });
    expect(again.peek(key('aaaaaa0001'))?.dir).toBe(copy.dir);
    await again.get(model, key('aaaaaa0001'));
    expect(fake.calls).toHaveLength(1);
    // Another precision or size is another entry.
    await cache.get(model, key('aaaaaa0001', { precision: 'fp32', size: null }));
    expect(fake.calls).toHaveLength(2);
    expect(readdirSync(path.join(cacheDir, 'optimized', 'aaaaaa0001')).sort()).toEqual([
      'source.json',
      'webgpu-fp16-512x512x2-v1',
      'webgpu-fp32-any-v1',
    ]);
  });

  it('shares one build between concurrent requests, and shows nothing until the build is complete', async () => {
    const cacheDir = path.join(temp, 'concurrent');
    const model = modelFolder('concurrent-model');
    const fake = copyingOptimizer(1);
    fake.hold();
    const cache = createOptimizedCache({ cacheDir, optimizer: fake.optimizer });
    const first: BuildProgress[] = [];
    const a = cache.get(model, key('bbbbbb0001'), (p) => first.push(p));
    const b = cache.get(model, key('bbbbbb0001'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.calls).toHaveLength(1);
    // Mid-build: the copy is in a hidden temporary folder, not at its final name.
    expect(cache.peek(key('bbbbbb0001'))).toBeNull();
    const folder = path.join(cacheDir, 'optimized', 'bbbbbb0001');
    expect(readdirSync(folder).filter((n) => n.startsWith('.build-'))).toHaveLength(1);
    expect(existsSync(path.join(folder, 'webgpu-fp16-512x512x2-v1'))).toBe(false);
    fake.release();
    const [copyA, copyB] = await Promise.all([a, b]);
    expect(copyA.dir).toBe(copyB.dir);
    expect(fake.calls).toHaveLength(1);
    expect(first.at(-1)).toMatchObject({ fraction: 1, stage: 'done' });
    expect(readdirSync(folder).filter((n) => n.startsWith('.build-'))).toEqual([]);
  });

  it('leaves no entry behind when the build fails, and tries again next time', async () => {
    const cacheDir = path.join(temp, 'failing');
    const model = modelFolder('failing-model');
    let fail = true;
    const optimizer: GraphOptimizer = {
      version: 1,
      async optimize(options) {
        cpSync(options.modelDir, options.outDir, { recursive: true });
        if (fail) throw new Error('unsupported graph');
        return { optimizerVersion: 1, fusions: {}, components: [], files: [] };
      },
    };
    const cache = createOptimizedCache({ cacheDir, optimizer });
    await expect(cache.get(model, key('cccccc0001'))).rejects.toThrow('unsupported graph');
    expect(readdirSync(path.join(cacheDir, 'optimized', 'cccccc0001'))).toEqual(['source.json']);
    fail = false;
    expect(existsSync((await cache.get(model, key('cccccc0001'))).dir)).toBe(true);
  });

  it('rebuilds when the optimiser version changes, dropping the older copy', async () => {
    const cacheDir = path.join(temp, 'version');
    const model = modelFolder('version-model');
    const v1 = copyingOptimizer(1);
    await createOptimizedCache({ cacheDir, optimizer: v1.optimizer }).get(model, key('dddddd0001'));
    const v2 = copyingOptimizer(2);
    const cache2 = createOptimizedCache({ cacheDir, optimizer: v2.optimizer });
    expect(cache2.peek(key('dddddd0001'))).toBeNull();
    const copy = await cache2.get(model, key('dddddd0001'));
    expect(v2.calls).toHaveLength(1);
    expect(path.basename(copy.dir)).toBe(copyName(key('dddddd0001'), 2));
    expect(readdirSync(path.join(cacheDir, 'optimized', 'dddddd0001')).sort()).toEqual([
      'source.json',
      'webgpu-fp16-512x512x2-v2',
    ]);
  });

  it('rebuilds when the model changes (a new content hash), removing the old hash’s copies of that folder', async () => {
    const cacheDir = path.join(temp, 'changed');
    const model = modelFolder('changed-model');
    const other = modelFolder('other-model');
    const fake = copyingOptimizer(1);
    const cache = createOptimizedCache({ cacheDir, optimizer: fake.optimizer });
    await cache.get(model, key('eeeeee0001'));
    await cache.get(other, key('ffffff0001'));
    writeFileSync(path.join(model, 'unet', 'model.onnx'), 'fine-tuned weights');
    const copy = await cache.get(model, key('eeeeee0002'));
    expect(readFileSync(path.join(copy.dir, 'unet', 'model.onnx'), 'utf8')).toBe('fine-tuned weights');
    expect(readdirSync(path.join(cacheDir, 'optimized')).sort()).toEqual(['eeeeee0002', 'ffffff0001']);
  });

  it('refuses a key whose hash is not a hash', async () => {
    const cache = createOptimizedCache({ cacheDir: temp, optimizer: copyingOptimizer(1).optimizer });
    await expect(async () => cache.get(temp, key('../../etc'))).rejects.toThrow(/not a model content hash/);
  });
});
