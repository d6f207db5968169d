// Which ONNX Runtime execution providers to try, in order: the user's preference, what this build ships, then CPU.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { listSupportedBackends } from 'onnxruntime-node';
import type { ExecutionProviderInfo } from '../shared/system-types';
import { vulkanLoaderProblem } from './acceleration/vulkan-loader';

export type ProviderId = 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu';
export type ProviderPreference = 'auto' | ProviderId;
export const providerPreferences: readonly ProviderPreference[] = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

const allProviders: readonly ProviderId[] = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

/**
 * A static guess at `auto`'s order per platform, for callers that cannot wait for a measurement (the models panel).
 * The engine's `auto` measures instead (acceleration/provider-choice.ts), WebGPU included where an adapter answers.
 */
const autoOrder: Record<string, readonly ProviderId[]> = {
  win32: ['dml', 'cpu'],
  darwin: ['coreml', 'cpu'],
  linux: ['cuda', 'cpu'],
};

/** Shared libraries a provider needs beside the binding when the package does not bundle it (CUDA on Linux). */
const providerLibraries: Partial<Record<ProviderId, Record<string, string>>> = {
  cuda: { linux: 'libonnxruntime_providers_cuda.so', win32: 'onnxruntime_providers_cuda.dll' },
};

function bindingDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const packageJson = require.resolve('onnxruntime-node/package.json');
    return join(dirname(packageJson), 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return null;
  }
}

/** onnxruntime-node's version: stored with provider figures, which another build must measure again. */
export function onnxRuntimeVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * The providers this onnxruntime-node build can use here. The binding lists what it was compiled with; a provider it
 * marks as not bundled (CUDA) also needs its shared library, which the package's install script downloads.
 */
export function listAvailableProviders(): ExecutionProviderInfo[] {
  const backends = new Map(listSupportedBackends().map((b) => [b.name, b.bundled]));
  const dir = bindingDir();
  return allProviders.map((id): ExecutionProviderInfo => {
    if (id === 'cpu') return { id, available: true };
    if (!backends.has(id)) return { id, available: false, note: 'not in this ONNX Runtime build for this platform' };
    if (backends.get(id)) {
      if (id !== 'webgpu') return { id, available: true };
      const problem = process.platform === 'linux' ? vulkanLoaderProblem() : null;
      return problem
        ? { id, available: false, note: problem }
        : { id, available: true, note: 'experimental in ONNX Runtime' };
    }
    const library = providerLibraries[id]?.[process.platform];
    if (library && dir && existsSync(join(dir, library))) return { id, available: true };
    return { id, available: false, note: `compiled in, but ${library ?? 'its provider library'} is not installed` };
  });
}

/**
 * The order in which sessions try providers: the preference when it is available (else a warning), then CPU,
 * which always works and so ends every list.
 */
export function resolveProviders(
  preference: ProviderPreference,
  platform: string = process.platform,
  available: readonly ExecutionProviderInfo[] = listAvailableProviders(),
  warn: (message: string) => void = () => {},
): ProviderId[] {
  const usable = new Set(available.filter((p) => p.available).map((p) => p.id));
  const wanted = preference === 'auto' ? (autoOrder[platform] ?? ['cpu']) : [preference];
  const order: ProviderId[] = [];
  for (const id of wanted) {
    if (id === 'cpu' || usable.has(id)) order.push(id);
    else if (preference !== 'auto') {
      const note = available.find((p) => p.id === id)?.note ?? 'not available';
      warn(`execution provider ${id} is unavailable (${note}); falling back to cpu`);
    }
  }
  if (!order.includes('cpu')) order.push('cpu');
  return order;
}

/** ONNX Runtime's default intra-op pool takes every core; leaving one keeps the app (and the UI thread) responsive. */
export function defaultThreadCount(cores: number): number {
  return Math.max(1, cores - 1);
}
