import { listSupportedBackends } from 'onnxruntime-node';
import { expect, test } from 'vitest';
import type { ExecutionProviderInfo } from '../shared/system-types';
import { defaultThreadCount, listAvailableProviders, resolveProviders } from './execution-providers';

const onlyCpu: ExecutionProviderInfo[] = [
  { id: 'cpu', available: true },
  { id: 'cuda', available: false, note: 'not installed' },
  { id: 'dml', available: false },
];
const withCuda: ExecutionProviderInfo[] = [
  { id: 'cpu', available: true },
  { id: 'cuda', available: true },
];

test('cpu is always available and listed first; accelerators only where this ONNX Runtime build has them', () => {
  const list = listAvailableProviders();
  expect(list[0]).toEqual({ id: 'cpu', available: true });
  expect(list.map((p) => p.id)).toEqual(['cpu', 'cuda', 'dml', 'coreml', 'webgpu']);
  // Whatever this machine has (none, CUDA, DirectML…): an accelerator is available only if the binding lists it,
  // and an unavailable one says why.
  const compiledIn = new Set(listSupportedBackends().map((b) => b.name));
  for (const p of list.slice(1)) {
    if (p.available) expect(compiledIn.has(p.id)).toBe(true);
    else expect(p.note).toBeTruthy();
  }
});

test('auto tries the platform accelerator when present, then cpu', () => {
  expect(resolveProviders('auto', 'linux', withCuda)).toEqual(['cuda', 'cpu']);
  expect(resolveProviders('auto', 'linux', onlyCpu)).toEqual(['cpu']);
  expect(resolveProviders('auto', 'freebsd', withCuda)).toEqual(['cpu']);
});

test('an unavailable explicit choice falls back to cpu with a warning', () => {
  const warnings: string[] = [];
  expect(resolveProviders('cuda', 'linux', onlyCpu, (w) => warnings.push(w))).toEqual(['cpu']);
  expect(warnings[0]).toMatch(/cuda is unavailable \(not installed\)/);
  expect(resolveProviders('cuda', 'linux', withCuda)).toEqual(['cuda', 'cpu']);
  expect(resolveProviders('cpu', 'win32', withCuda)).toEqual(['cpu']);
});

test('threads leave one core free', () => {
  expect([1, 2, 16].map(defaultThreadCount)).toEqual([1, 1, 15]);
});
