// The engine's provider handling on this machine, which has the CPU provider only (WebGPU is compiled in but finds no
// adapter — tests that need it offered say so, as it is not offered without a Vulkan loader; CUDA's library is not
// installed). Real sessions throughout; where a test needs a GPU that "wins" or an
// optimiser, it says so: the measured time of a GPU provider is stood in for, and the optimiser copies the folder
// (one test runs the build's own optimiser on the tiny fixture model).
// What a real GPU does with these paths is not covered here.
import { cp } from 'node:fs/promises';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, type EngineOptions } from '../engine';
import type { GenerateOptions, GenerateParams, PrepareInfo } from '../engine-types';
import { listAvailableProviders } from '../execution-providers';
import { writeFakeModel } from '../test-support/fake-model';
import { appRoot } from '../../app-paths';
import { readModelFile } from '../../formats/onnx';
import { OPTIMIZER_VERSION } from '../graph-optimizer';
import { timeUNetCall } from './measure-unet';
import type { GraphOptimizer } from './optimizer-types';
import { readFigures } from './provider-choice';
import { vulkanLoaderProblem } from './vulkan-loader';

const root = mkdtempSync(path.join(tmpdir(), 'engine-providers-'));
const model = writeFakeModel(path.join(root, 'fake'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const params: GenerateParams = { prompt: 'a b', seed: 7n, steps: 3, width: 64, height: 64, scheduler: 'ddim' };

/** The real timed UNet call, counted. */
function countingTimer() {
  const calls: string[] = [];
  const timeCall: typeof timeUNetCall = (file, provider, threads, shape) => {
    calls.push(provider);
    return timeUNetCall(file, provider, threads, shape);
  };
  return { calls, timeCall };
}

async function run(options: EngineOptions, job: GenerateParams = params, generateOptions: GenerateOptions = {}) {
  const engine = createEngine({ threads: 1, ...options });
  try {
    return await engine.generate(model, job, generateOptions);
  } finally {
    await engine.dispose();
  }
}

const exact = await run({ providers: 'cpu' });

/**
 * The provider list of this machine with its Vulkan loader installed: WebGPU is offered, and its sessions still fail
 * here for want of an adapter — the failure the fallback tests are about.
 */
const webgpuOffered = () =>
  listAvailableProviders().map((p) => (p.id === 'webgpu' ? { id: p.id, available: true } : p));

describe('auto on a CPU-only machine', () => {
  it('finds the CPU the only candidate, times it once, and later runs choose it without measuring', async () => {
    const cacheDir = path.join(root, 'cache-auto');
    const first = countingTimer();
    const a = await run({ providers: 'auto', cacheDir, machine: { timeCall: first.timeCall } });
    expect(first.calls).toEqual(['cpu']);
    expect(a.provider).toBe('cpu');
    expect(a.settings.execution).toBeUndefined();
    expect(a.images[0].rgb).toEqual(exact.images[0].rgb);

    const figures = readFigures(path.join(cacheDir, 'optimized', a.settings.model.hash));
    expect(figures).toMatchObject({ chosen: 'cpu', candidates: ['cpu'] });
    expect(figures?.reason).toMatch(/^cpu: the only provider this machine can load \(cpu [\d.]+ ms\)$/);

    const second = countingTimer();
    const engine = createEngine({ providers: 'auto', threads: 1, cacheDir, machine: { timeCall: second.timeCall } });
    const b = await engine.generate(model, params);
    expect(second.calls).toEqual([]);
    expect(b.provider).toBe('cpu');
    expect(engine.providerFigures()).toEqual([figures]);
    await engine.dispose();
  });

  it('offers WebGPU only where its Vulkan loader is (the probe then asks for an adapter)', () => {
    const webgpu = listAvailableProviders().find((p) => p.id === 'webgpu');
    const problem = process.platform === 'linux' ? vulkanLoaderProblem() : null;
    expect(webgpu).toEqual(
      problem
        ? { id: 'webgpu', available: false, note: problem }
        : { id: 'webgpu', available: true, note: 'experimental in ONNX Runtime' },
    );
  });
});

describe('device-resident inputs', () => {
  it('change nothing on the CPU (the WebGPU upload path needs a GPU and is not run here)', async () => {
    const result = await run({ providers: 'cpu', deviceResident: true });
    expect(result.images[0].rgb).toEqual(exact.images[0].rgb);
  });
});

describe('falling back', () => {
  it('a provider chosen by measurement that fails to start falls back to the CPU with a one-line warning', async () => {
    // Stand-ins: the probe says an adapter exists and WebGPU's timed call is faster; creating the real session then
    // fails on this machine (no adapter), which is the failure under test.
    const logs: string[] = [];
    const result = await run({
      providers: 'auto',
      cacheDir: path.join(root, 'cache-fallback'),
      // The model's own graphs on WebGPU: what is under test is the session failing, not the optimiser.
      optimizer: null,
      log: (m) => logs.push(m),
      machine: {
        available: webgpuOffered,
        probe: async () => null,
        timeCall: async (file, provider, threads, shape) =>
          provider === 'webgpu' ? 0.001 : timeUNetCall(file, provider, threads, shape),
      },
    });
    expect(result.provider).toBe('cpu');
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^webgpu failed \(.*\); falling back to cpu$/);
    expect(result.warnings[0]).not.toContain('\n');
    expect(result.images[0].rgb).toEqual(exact.images[0].rgb);
    expect(result.settings.execution).toBeUndefined();
  });

  it('a provider that failed is not tried again by the same engine, and each job says so', async () => {
    const engine = createEngine({ providers: 'webgpu', threads: 1, machine: { available: webgpuOffered } });
    const first = await engine.generate(model, params);
    const second = await engine.generate(model, params);
    await engine.dispose();
    expect(first.warnings).toEqual([expect.stringMatching(/^webgpu failed/)]);
    expect(second.warnings).toEqual(['webgpu failed earlier; running on cpu']);
    expect(second.provider).toBe('cpu');
  });

  it('an explicit GPU provider builds the optimised copy, and a failed start falls back to the exact CPU path', async () => {
    const cacheDir = path.join(root, 'cache-explicit');
    const built: string[] = [];
    const copyingOptimizer: GraphOptimizer = {
      version: 3,
      async optimize({ modelDir, outDir, onProgress }) {
        built.push(outDir);
        await cp(modelDir, outDir, { recursive: true });
        onProgress?.(1, 'copied');
        return { optimizerVersion: 3, fusions: {}, components: ['unet'], files: ['unet/model.onnx'] };
      },
    };
    const logs: string[] = [];
    const options: EngineOptions = {
      providers: 'webgpu',
      cacheDir,
      optimizer: copyingOptimizer,
      machine: { available: webgpuOffered },
      log: (m) => logs.push(m),
    };
    const preparing: PrepareInfo[] = [];
    const result = await run(options, params, { onPrepare: (p) => preparing.push(p) });
    expect(built).toHaveLength(1);
    expect(preparing).toEqual([
      { stage: 'optimising for webgpu: copied', fraction: 1 },
      { stage: 'optimising for webgpu: done', fraction: 1 },
    ]);
    const copy = path.join(cacheDir, 'optimized', result.settings.model.hash, 'webgpu-fp16-64x64x2-v3');
    expect(existsSync(path.join(copy, 'unet', 'model.onnx'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(copy, 'entry.json'), 'utf8'))).toMatchObject({ optimizerVersion: 3 });
    expect(logs).toContain('optimising fake for webgpu: 100 % copied');
    expect(result.warnings).toEqual([expect.stringMatching(/^webgpu failed \(.*\); falling back to cpu$/)]);
    expect(result.images[0].rgb).toEqual(exact.images[0].rgb);
    // The second run reuses the copy.
    await run(options);
    expect(built).toHaveLength(1);
  });
});

describe("with the build's graph optimiser", () => {
  it('an explicit WebGPU job runs on an optimised copy with fused attention, built once and cached', async () => {
    // The tiny fixture model, exported by torch from diffusers' classes; the session on WebGPU then fails here (no
    // adapter) and the job falls back to the CPU's exact path: what is shown is the copy WebGPU would have run.
    const tinySd = path.join(appRoot(), 'src-main', 'engine', 'test-fixtures', 'models', 'tiny-sd');
    const cacheDir = path.join(root, 'cache-real-optimizer');
    const preparing: PrepareInfo[] = [];
    const engine = createEngine({ threads: 1, providers: 'webgpu', cacheDir, machine: { available: webgpuOffered } });
    try {
      const job = { ...params, steps: 2 };
      const result = await engine.generate(tinySd, job, { onPrepare: (p) => preparing.push(p) });
      expect(result.provider).toBe('cpu');
      expect(result.settings.execution).toBeUndefined();
      const entry = path.join(
        cacheDir,
        'optimized',
        result.settings.model.hash,
        `webgpu-fp16-64x64x2-v${OPTIMIZER_VERSION}`,
      );
      const unet = await readModelFile(path.join(entry, 'unet', 'model.onnx'));
      const ops = unet.graph.nodes.map((n) => n.opType);
      expect(ops).toContain('MultiHeadAttention');
      expect(ops).not.toContain('Softmax');
      expect(preparing.at(-1)).toEqual({ stage: 'optimising for webgpu: done', fraction: 1 });
      preparing.length = 0;
      await engine.generate(tinySd, job, { onPrepare: (p) => preparing.push(p) });
      expect(preparing).toEqual([]);
    } finally {
      await engine.dispose();
    }
  });
});

describe('required paths (reproduction)', () => {
  it('runs the exact CPU path when asked, whatever auto would choose', async () => {
    const result = await run(
      { providers: 'auto', machine: { probe: async () => null, timeCall: async (_f, p) => (p === 'cpu' ? 1000 : 1) } },
      { ...params, execution: { provider: 'cpu', precision: 'model', optimizerVersion: null } },
    );
    expect(result.provider).toBe('cpu');
    expect(result.warnings).toEqual([]);
    expect(result.images[0].rgb).toEqual(exact.images[0].rgb);
  });

  it("runs a recorded path of the model's own graphs on them, even with an optimiser in the build", async () => {
    // Stand-in for a GPU made available: the probe passes, so the recorded webgpu path is attempted; creating the
    // session then fails here, which a required path reports instead of falling back.
    const copying: GraphOptimizer = {
      version: 3,
      optimize: async () => {
        throw new Error('must not be asked for');
      },
    };
    const attempt = run(
      {
        providers: 'auto',
        cacheDir: path.join(root, 'cache-required'),
        optimizer: copying,
        machine: { available: webgpuOffered, probe: async () => null },
      },
      { ...params, execution: { provider: 'webgpu', precision: 'model', optimizerVersion: null } },
    );
    await expect(attempt).rejects.toMatchObject({
      code: 'unsupported',
      message: expect.stringMatching(
        /^this image was made with webgpu on the model's own graphs, which this machine cannot run \(webgpu failed: .*WebGPU adapter/,
      ) as unknown,
    });
  });

  it.each([
    [{ provider: 'webgpu', precision: 'fp16', optimizerVersion: 3 }, /no WebGPU adapter on this machine/],
    [
      { provider: 'cuda', precision: 'model', optimizerVersion: null },
      /libonnxruntime_providers_cuda\.so is not installed/,
    ],
    [{ provider: 'cpu', precision: 'fp16', optimizerVersion: 3 }, /this build has no optimiser/],
  ] as const)('refuses %o with a clear message instead of making another image', async (execution, reason) => {
    const attempt = run(
      { providers: 'auto', optimizer: null, machine: { available: webgpuOffered } },
      { ...params, execution },
    );
    await expect(attempt).rejects.toMatchObject({
      code: 'unsupported',
      message: expect.stringMatching(/^this image was made with .*, which this machine cannot run \(/) as unknown,
    });
    await expect(attempt).rejects.toThrow(reason);
  });
});
