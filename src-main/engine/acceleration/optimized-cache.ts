// Optimised copies of a model, kept in the data directory's cache/: one folder per model content hash × provider ×
// precision × size × optimiser version, built once (concurrent requests share the build) and reused afterwards.
//
// Layout: cache/optimized/<model hash>/<provider>-<precision>-<size>-v<version>/ holds a diffusers ONNX folder and
// entry.json (written last, inside the folder, before it is renamed into place: a folder without it is not an entry).
// A copy is built in a hidden temporary folder beside its final place and renamed, so no reader ever sees half of one.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProviderId } from '../execution-providers';
import type { GraphOptimizer, OptimizeReport } from './optimizer-types';

export type Precision = 'fp32' | 'fp16';

export interface OptimizedCopyKey {
  /** The model folder's content hash (model-hash.ts): a changed model gets a new entry. */
  modelHash: string;
  provider: ProviderId;
  precision: Precision;
  /** The image size and UNet batch the copy's dimensions are fixed to; null keeps them symbolic. */
  size: { width: number; height: number; batch: number } | null;
}

export interface OptimizedCopy {
  dir: string;
  report: OptimizeReport;
}

export interface BuildProgress {
  key: OptimizedCopyKey;
  fraction: number;
  stage: string;
}

export interface OptimizedCache {
  /** The copy for `key`, built from `modelDir` when missing; callers asking for one being built share that build. */
  get(modelDir: string, key: OptimizedCopyKey, onProgress?: (progress: BuildProgress) => void): Promise<OptimizedCopy>;
  /** The ready copy for `key`, or null; never builds. */
  peek(key: OptimizedCopyKey): OptimizedCopy | null;
  /** The folder of one model's entries (the provider figures live there too). */
  modelFolder(modelHash: string): string;
}

const entryFile = 'entry.json';
const sourceFile = 'source.json';

export function copyName(key: OptimizedCopyKey, version: number): string {
  const size = key.size ? `${key.size.width}x${key.size.height}x${key.size.batch}` : 'any';
  return `${key.provider}-${key.precision}-${size}-v${version}`;
}

export function createOptimizedCache(deps: {
  cacheDir: string;
  optimizer: GraphOptimizer;
  log?: (message: string) => void;
}): OptimizedCache {
  const root = path.join(deps.cacheDir, 'optimized');
  const log = deps.log ?? (() => {});
  const building = new Map<string, { done: Promise<OptimizedCopy>; listeners: Set<(p: BuildProgress) => void> }>();
  const modelFolder = (modelHash: string) => path.join(root, checkedName(modelHash));
  const finalDir = (key: OptimizedCopyKey) =>
    path.join(modelFolder(key.modelHash), copyName(key, deps.optimizer.version));

  function peek(key: OptimizedCopyKey): OptimizedCopy | null {
    const dir = finalDir(key);
    const report = readEntry(dir);
    return report && report.optimizerVersion === deps.optimizer.version ? { dir, report } : null;
  }

  async function build(modelDir: string, key: OptimizedCopyKey, notify: (p: BuildProgress) => void) {
    const dir = finalDir(key);
    const parent = path.dirname(dir);
    await mkdir(parent, { recursive: true });
    await pruneStale(modelDir, key);
    const temp = path.join(parent, `.build-${path.basename(dir)}-${process.pid}-${randomBytes(4).toString('hex')}`);
    const started = performance.now();
    try {
      const report = await deps.optimizer.optimize({
        modelDir,
        outDir: temp,
        fp16: key.precision === 'fp16',
        fixedSize: key.size ?? undefined,
        onProgress: (fraction, stage) => notify({ key, fraction, stage }),
      });
      await writeFile(path.join(temp, entryFile), JSON.stringify({ ...report, key, builtFrom: modelDir }, null, 2));
      await rm(dir, { recursive: true, force: true });
      await rename(temp, dir).catch(async (error: unknown) => {
        // Another process renamed its build into place first: theirs is as good as ours.
        if (!readEntry(dir)) throw error;
      });
      log(
        `optimised ${copyName(key, deps.optimizer.version)} of ${modelDir} in ${Math.round(performance.now() - started)} ms`,
      );
      notify({ key, fraction: 1, stage: 'done' });
      return { dir, report };
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }

  /** A model folder that changed leaves its old hash's copies behind: they go when the new ones are built. */
  async function pruneStale(modelDir: string, key: OptimizedCopyKey): Promise<void> {
    const resolved = path.resolve(modelDir);
    const hashes = await readdir(root).catch(() => [] as string[]);
    for (const hash of hashes) {
      if (hash === key.modelHash) continue;
      const source = await readFile(path.join(root, hash, sourceFile), 'utf8').catch(() => null);
      if (source !== null && sourceDir(source) === resolved)
        await rm(path.join(root, hash), { recursive: true, force: true });
    }
    await writeFile(path.join(modelFolder(key.modelHash), sourceFile), JSON.stringify({ modelDir: resolved }));
    // Copies of an older optimiser version for the same provider, precision and size.
    const prefix = copyName(key, deps.optimizer.version).replace(/-v\d+$/, '-v');
    for (const name of await readdir(modelFolder(key.modelHash))) {
      if (name.startsWith(prefix) && name !== copyName(key, deps.optimizer.version))
        await rm(path.join(modelFolder(key.modelHash), name), { recursive: true, force: true });
    }
  }

  return {
    peek,
    modelFolder,
    get(modelDir, key, onProgress) {
      const ready = peek(key);
      if (ready) return Promise.resolve(ready);
      const id = finalDir(key);
      let job = building.get(id);
      if (!job) {
        const listeners = new Set<(p: BuildProgress) => void>();
        const done = build(modelDir, key, (p) => listeners.forEach((l) => l(p))).finally(() => building.delete(id));
        job = { done, listeners };
        building.set(id, job);
      }
      if (onProgress) job.listeners.add(onProgress);
      return job.done;
    },
  };
}

function readEntry(dir: string): OptimizeReport | null {
  const file = path.join(dir, entryFile);
  if (!existsSync(file)) return null;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<OptimizeReport>;
    return typeof value.optimizerVersion === 'number' && Array.isArray(value.components)
      ? (value as OptimizeReport)
      : null;
  } catch {
    return null;
  }
}

function sourceDir(json: string): string | null {
  try {
    const value = JSON.parse(json) as { modelDir?: unknown };
    return typeof value.modelDir === 'string' ? value.modelDir : null;
  } catch {
    return null;
  }
}

/** Hashes are hex; anything else would let a key name a folder outside the cache. */
function checkedName(modelHash: string): string {
  if (!/^[0-9a-f]{6,64}$/.test(modelHash)) throw new Error(`not a model content hash: ${modelHash}`);
  return modelHash;
}
