// `auto` by measurement: which providers this machine can load, one timed UNet call of the model on each at its first
// use, the fastest chosen; the figures are kept beside the model's optimised copies so later runs choose at once.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../fs/write-file-atomic';
import type { ExecutionProviderInfo } from '../../shared/system-types';
import type { ProviderId } from '../execution-providers';

export interface ProviderMeasurement {
  provider: ProviderId;
  /** One UNet call at the measured size, after a warm-up call on GPU providers; null when it failed. */
  ms: number | null;
  /** Whether the optimised copy was timed (GPU providers, when the optimiser is part of the build). */
  optimized: boolean;
  error?: string;
}

export interface ProviderFigures {
  format: 'diffusion-studio-provider-figures/1';
  modelHash: string;
  modelName?: string;
  /** What was measured on: figures from another machine or another set of candidates are measured again. */
  machine: string;
  candidates: ProviderId[];
  optimizerVersion: number | null;
  size: { width: number; height: number; batch: number };
  measurements: ProviderMeasurement[];
  chosen: ProviderId;
  reason: string;
  measuredAt: string;
}

export const figuresFileName = 'providers.json';

/**
 * The providers `auto` ranks, best guess first: WebGPU where an adapter answers, DirectML on Windows, CoreML on macOS,
 * CUDA when its provider library is installed, and the CPU, which always works.
 */
export function autoCandidates(
  platform: string,
  available: readonly ExecutionProviderInfo[],
  webgpuAdapter: boolean,
): ProviderId[] {
  const usable = new Set(available.filter((p) => p.available).map((p) => p.id));
  const candidates: ProviderId[] = [];
  if (webgpuAdapter && usable.has('webgpu')) candidates.push('webgpu');
  if (platform === 'win32' && usable.has('dml')) candidates.push('dml');
  if (platform === 'darwin' && usable.has('coreml')) candidates.push('coreml');
  if (usable.has('cuda')) candidates.push('cuda');
  candidates.push('cpu');
  return candidates;
}

export interface ChooseOptions {
  /** The model's cache folder (optimised-cache.ts's modelFolder); null keeps the figures in memory only. */
  folder: string | null;
  modelHash: string;
  modelName?: string;
  machine: string;
  candidates: readonly ProviderId[];
  optimizerVersion: number | null;
  size: { width: number; height: number; batch: number };
  /** Times one UNet call on `provider`; throws when the provider cannot create the session or run it. */
  measure: (provider: ProviderId) => Promise<{ ms: number; optimized: boolean }>;
  log?: (message: string) => void;
}

/** The stored figures when they still apply, else fresh ones (measured, chosen, written). */
export async function chooseProvider(options: ChooseOptions): Promise<{ figures: ProviderFigures; measured: boolean }> {
  const stored = options.folder ? readFigures(options.folder) : null;
  if (stored && stillApplies(stored, options)) return { figures: stored, measured: false };
  const measurements: ProviderMeasurement[] = [];
  for (const provider of options.candidates) {
    try {
      measurements.push({ provider, ...(await options.measure(provider)) });
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 300);
      options.log?.(`measuring ${provider}: ${message}`);
      measurements.push({ provider, ms: null, optimized: false, error: message });
    }
  }
  const ranked = measurements.filter((m) => m.ms !== null).sort((a, b) => a.ms! - b.ms!);
  const chosen = ranked[0]?.provider ?? 'cpu';
  const figures: ProviderFigures = {
    format: 'diffusion-studio-provider-figures/1',
    modelHash: options.modelHash,
    modelName: options.modelName,
    machine: options.machine,
    candidates: [...options.candidates],
    optimizerVersion: options.optimizerVersion,
    size: options.size,
    measurements,
    chosen,
    reason: reasonFor(chosen, measurements),
    measuredAt: new Date().toISOString(),
  };
  if (options.folder) {
    const bytes = new TextEncoder().encode(JSON.stringify(figures, null, 2));
    writeFileAtomic(path.join(options.folder, figuresFileName), bytes, { durable: false });
  }
  return { figures, measured: true };
}

/** The order to open sessions in: the chosen provider, the others by measured speed, the CPU last if not before. */
export function rankedOrder(figures: ProviderFigures): ProviderId[] {
  const timed = figures.measurements.filter((m) => m.ms !== null).sort((a, b) => a.ms! - b.ms!);
  const order = [figures.chosen, ...timed.map((m) => m.provider)];
  return [...new Set([...order, 'cpu' as const])];
}

export function readFigures(folder: string): ProviderFigures | null {
  const file = path.join(folder, figuresFileName);
  if (!existsSync(file)) return null;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as ProviderFigures;
    return value.format === 'diffusion-studio-provider-figures/1' && Array.isArray(value.measurements) ? value : null;
  } catch {
    return null;
  }
}

function stillApplies(stored: ProviderFigures, options: ChooseOptions): boolean {
  return (
    stored.modelHash === options.modelHash &&
    stored.machine === options.machine &&
    stored.optimizerVersion === options.optimizerVersion &&
    stored.candidates.join(',') === options.candidates.join(',')
  );
}

function reasonFor(chosen: ProviderId, measurements: readonly ProviderMeasurement[]): string {
  const fmt = (m: ProviderMeasurement) =>
    m.ms === null ? `${m.provider} failed` : `${m.provider} ${m.ms.toFixed(m.ms < 100 ? 1 : 0)} ms`;
  if (measurements.length === 1) return `${chosen}: the only provider this machine can load (${fmt(measurements[0])})`;
  return `${chosen} was fastest per UNet call (${measurements.map(fmt).join(', ')})`;
}

/** Every model's stored figures under the cache folder, newest first (for system.info and the settings). */
export function listStoredFigures(cacheDir: string): ProviderFigures[] {
  const root = path.join(cacheDir, 'optimized');
  const hashes = existsSync(root) ? readdirSync(root) : [];
  const all = hashes.map((hash) => readFigures(path.join(root, hash))).filter((f) => f !== null);
  return all.sort((a, b) => (a.measuredAt < b.measuredAt ? 1 : -1));
}
