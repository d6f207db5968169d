// Provider choice by measurement, with a stand-in `measure` (GPU providers are absent here): the candidates per
// platform, the fastest chosen, failures skipped, and stored figures reused without measuring again.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecutionProviderInfo } from '../../shared/system-types';
import type { ProviderId } from '../execution-providers';
import { autoCandidates, chooseProvider, rankedOrder, readFigures, type ChooseOptions } from './provider-choice';

const temp = mkdtempSync(path.join(os.tmpdir(), 'provider-choice-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const everything: ExecutionProviderInfo[] = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'].map((id) => ({
  id,
  available: true,
}));

describe('auto candidates', () => {
  it('lists what the platform can load, the CPU always last', () => {
    expect(autoCandidates('linux', everything, true)).toEqual(['webgpu', 'cuda', 'cpu']);
    expect(autoCandidates('win32', everything, true)).toEqual(['webgpu', 'dml', 'cuda', 'cpu']);
    expect(autoCandidates('darwin', everything, false)).toEqual(['coreml', 'cuda', 'cpu']);
  });

  it('leaves out WebGPU without an adapter and CUDA without its provider library', () => {
    const linuxBuild: ExecutionProviderInfo[] = [
      { id: 'cpu', available: true },
      { id: 'webgpu', available: true },
      { id: 'cuda', available: false, note: 'not installed' },
    ];
    expect(autoCandidates('linux', linuxBuild, false)).toEqual(['cpu']);
    expect(autoCandidates('linux', linuxBuild, true)).toEqual(['webgpu', 'cpu']);
  });
});

function options(folder: string, candidates: ProviderId[], timings: Partial<Record<ProviderId, number | Error>>) {
  const calls: ProviderId[] = [];
  const opts: ChooseOptions = {
    folder: path.join(temp, folder),
    modelHash: 'abcdef0123',
    machine: 'linux-x64 ort 1.30.0',
    candidates,
    optimizerVersion: 1,
    size: { width: 512, height: 512, batch: 2 },
    measure: async (provider) => {
      calls.push(provider);
      const t = timings[provider];
      if (t instanceof Error) throw t;
      return { ms: t ?? 1, optimized: provider !== 'cpu' };
    },
  };
  return { opts, calls };
}

describe('choosing by measurement', () => {
  it('measures each candidate once, picks the fastest, and says why', async () => {
    const { opts, calls } = options('fastest', ['webgpu', 'cuda', 'cpu'], { webgpu: 114, cuda: 300, cpu: 4015 });
    const { figures, measured } = await chooseProvider(opts);
    expect(measured).toBe(true);
    expect(calls).toEqual(['webgpu', 'cuda', 'cpu']);
    expect(figures.chosen).toBe('webgpu');
    expect(figures.reason).toBe('webgpu was fastest per UNet call (webgpu 114 ms, cuda 300 ms, cpu 4015 ms)');
    expect(rankedOrder(figures)).toEqual(['webgpu', 'cuda', 'cpu']);
    expect(readFigures(opts.folder!)).toEqual(figures);
  });

  it('keeps the CPU for a model too small for the GPU to win (the tiny-shapes case)', async () => {
    const { opts } = options('small', ['webgpu', 'cpu'], { webgpu: 17, cpu: 12 });
    expect((await chooseProvider(opts)).figures.chosen).toBe('cpu');
  });

  it('skips a provider that fails, recording why', async () => {
    const { opts } = options('failing', ['webgpu', 'cpu'], {
      webgpu: new Error('Failed to get a WebGPU adapter'),
      cpu: 50,
    });
    const { figures } = await chooseProvider(opts);
    expect(figures.chosen).toBe('cpu');
    expect(figures.measurements[0]).toEqual({
      provider: 'webgpu',
      ms: null,
      optimized: false,
      error: 'Failed to get a WebGPU adapter',
    });
    expect(rankedOrder(figures)).toEqual(['cpu']);
  });

  it('reuses stored figures without measuring; measures again when the candidates or the optimiser change', async () => {
    const first = options('stored', ['cpu'], { cpu: 40 });
    expect((await chooseProvider(first.opts)).figures.reason).toBe(
      'cpu: the only provider this machine can load (cpu 40.0 ms)',
    );
    const second = options('stored', ['cpu'], { cpu: 41 });
    const again = await chooseProvider(second.opts);
    expect(again.measured).toBe(false);
    expect(second.calls).toEqual([]);
    expect(again.figures.measurements[0].ms).toBe(40);

    const withGpu = options('stored', ['webgpu', 'cpu'], { webgpu: 20, cpu: 40 });
    expect((await chooseProvider(withGpu.opts)).measured).toBe(true);
    const newOptimizer = options('stored', ['webgpu', 'cpu'], {});
    newOptimizer.opts.optimizerVersion = 2;
    expect((await chooseProvider(newOptimizer.opts)).measured).toBe(true);
  });
});
