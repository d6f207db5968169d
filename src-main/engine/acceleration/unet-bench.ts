// The benchmark's UNet timing (tools/bench): one model's UNet on one provider, its own graph or an optimised copy,
// at the model's native size with the classifier-free-guidance batch of 2.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ProviderId } from '../execution-providers';
import { readModelFolder } from '../model-folder';
import { timeUNetCalls } from './measure-unet';
import { createOptimizedCache, type Precision } from './optimized-cache';
import { defaultGraphOptimizer } from './optimizer-binding';
import type { GraphOptimizer } from './optimizer-types';

export interface UNetBenchOptions {
  modelDir: string;
  provider: ProviderId;
  /** 'plain': the model's own graph; a precision: its optimised copy (needs the optimiser in the build). */
  graphs: 'plain' | Precision;
  calls: number;
  threads: number;
  optimizer?: GraphOptimizer | null;
  /** WebGPU: keep the unchanged text context in GPU memory between calls (onnx-session.ts). */
  deviceResident?: boolean;
}

export interface UNetBenchResult {
  /** Median of the timed calls (one untimed call first). */
  medianMs: number;
  times: number[];
  size: { width: number; height: number; batch: number };
  optimizeMs: number | null;
}

export async function benchUNet(options: UNetBenchOptions): Promise<UNetBenchResult> {
  const description = await readModelFolder(options.modelDir);
  const size = { width: description.nativeSize, height: description.nativeSize, batch: 2 };
  const shape = {
    channels: description.unetInChannels,
    latentHeight: size.height / description.vaeScaleFactor,
    latentWidth: size.width / description.vaeScaleFactor,
    batch: 2,
    contextWidth: description.textWidth,
  };
  let unetFile = description.files.unet;
  let optimizeMs: number | null = null;
  const temp = mkdtempSync(path.join(tmpdir(), 'unet-bench-'));
  try {
    if (options.graphs !== 'plain') {
      const optimizer = options.optimizer === undefined ? defaultGraphOptimizer : options.optimizer;
      if (!optimizer) throw new Error('the graph optimiser is not part of this build');
      const cache = createOptimizedCache({ cacheDir: temp, optimizer });
      const started = performance.now();
      const copy = await cache.get(options.modelDir, {
        modelHash: description.hash,
        provider: options.provider,
        precision: options.graphs,
        size,
      });
      optimizeMs = performance.now() - started;
      unetFile = path.join(copy.dir, 'unet', 'model.onnx');
    }
    const times = await timeUNetCalls(
      unetFile,
      options.provider,
      options.threads,
      shape,
      1,
      options.calls,
      options.deviceResident,
    );
    const sorted = [...times].sort((a, b) => a - b);
    return { medianMs: sorted[sorted.length >> 1], times, size, optimizeMs };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
