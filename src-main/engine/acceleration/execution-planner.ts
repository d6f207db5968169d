// Which providers a job tries, in order, and which graphs each runs: the exact CPU path for `cpu`, the optimised copy
// for GPU providers when the optimiser is part of the build, the path an image names when it is being reproduced.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ExecutionProviderInfo } from '../../shared/system-types';
import {
  listAvailableProviders,
  onnxRuntimeVersion,
  resolveProviders,
  type ProviderId,
  type ProviderPreference,
} from '../execution-providers';
import type { ModelDescription, ModelFiles } from '../model-folder';
import { probeProvider } from '../onnx-session';
import { ExecutionUnavailableError, exactPath, type ExecutionPath } from './execution-path';
import { timeUNetCall, type UNetCallShape } from './measure-unet';
import { createOptimizedCache, type BuildProgress, type OptimizedCache, type Precision } from './optimized-cache';
import type { GraphOptimizer } from './optimizer-types';
import { probeModel } from './probe-model';
import { autoCandidates, chooseProvider, rankedOrder, type ProviderFigures } from './provider-choice';

export interface PlannerOptions {
  preference: ProviderPreference;
  threads: number;
  /** The data directory's cache/: optimised copies and provider figures; without one, figures last the engine's life. */
  cacheDir?: string;
  optimizer: GraphOptimizer | null;
  /** The precision of optimised copies for GPU providers. */
  gpuPrecision: Precision;
  log: (message: string) => void;
  platform?: string;
  available?: () => ExecutionProviderInfo[];
  /** Whether a provider starts here (null) or why not; default: a session of the probe model. */
  probe?: (provider: ProviderId) => Promise<string | null>;
  timeCall?: typeof timeUNetCall;
}

export interface JobShape {
  width: number;
  height: number;
  /** UNet batch: images × 2 with classifier-free guidance. */
  unetBatch: number;
}

/** The graphs one provider runs: the model's own files, or those of its optimised copy. */
export interface ProviderGraphs {
  provider: ProviderId;
  files: ModelFiles;
  path: ExecutionPath;
  /** Set when an optimised copy was wanted but could not be made. */
  notice?: string;
}

export interface Plan {
  order: ProviderId[];
  /** What the user should hear about the choice (an unavailable provider asked for, …). */
  notices: string[];
  figures: ProviderFigures | null;
  /** True for a reproduction: no fallback, the one path or an error. */
  required: boolean;
  graphs(provider: ProviderId, onProgress?: (progress: BuildProgress) => void): Promise<ProviderGraphs>;
}

export interface ExecutionPlanner {
  plan(description: ModelDescription, shape: JobShape, required?: ExecutionPath): Promise<Plan>;
  /** Figures known to this engine, by model hash (also on disk when there is a cache). */
  figures(): ProviderFigures[];
}

const graphFolders: Record<'textEncoder' | 'unet' | 'vaeDecoder' | 'vaeEncoder', string> = {
  textEncoder: 'text_encoder',
  unet: 'unet',
  vaeDecoder: 'vae_decoder',
  vaeEncoder: 'vae_encoder',
};

export function createExecutionPlanner(options: PlannerOptions): ExecutionPlanner {
  const platform = options.platform ?? process.platform;
  const available = options.available ?? listAvailableProviders;
  const probe = options.probe ?? ((provider: ProviderId) => probeProvider(provider, probeModel()));
  const timeCall = options.timeCall ?? timeUNetCall;
  const cache: OptimizedCache | null =
    options.cacheDir && options.optimizer
      ? createOptimizedCache({ cacheDir: options.cacheDir, optimizer: options.optimizer, log: options.log })
      : null;
  const known = new Map<string, ProviderFigures>();
  let webgpuAdapter: Promise<boolean> | null = null;

  /** WebGPU is compiled in everywhere; whether an adapter answers is asked once per engine. */
  function hasWebGpuAdapter(list: readonly ExecutionProviderInfo[]): Promise<boolean> {
    if (!list.some((p) => p.id === 'webgpu' && p.available)) return Promise.resolve(false);
    webgpuAdapter ??= probe('webgpu').then((problem) => {
      // ONNX Runtime's message starts with its source location and the failed condition: the reason is what follows.
      if (problem) options.log(`webgpu: unavailable (${problem.replace(/^.*? was false\. /, '')})`);
      return problem === null;
    });
    return webgpuAdapter;
  }

  /** The model's own graphs on any provider: what a recorded path without an optimiser version ran. */
  function ownGraphs(description: ModelDescription): Plan['graphs'] {
    return async (provider) => ({ provider, files: description.files, path: { ...exactPath, provider } });
  }

  function graphsFor(description: ModelDescription, shape: JobShape) {
    return async (provider: ProviderId, onProgress?: (p: BuildProgress) => void): Promise<ProviderGraphs> => {
      const own: ProviderGraphs = { provider, files: description.files, path: { ...exactPath, provider } };
      if (provider === 'cpu' || !options.optimizer) return own;
      if (!cache) return own;
      const key = {
        modelHash: description.hash,
        provider,
        precision: options.gpuPrecision,
        size: { width: shape.width, height: shape.height, batch: shape.unetBatch },
      };
      try {
        const copy = await cache.get(description.dir, key, onProgress);
        return {
          provider,
          files: copiedFiles(description.files, copy.dir),
          path: { provider, precision: options.gpuPrecision, optimizerVersion: copy.report.optimizerVersion },
        };
      } catch (error) {
        const notice = `could not optimise ${description.name} for ${provider} (${firstLine(error)}); running its own graphs`;
        options.log(notice);
        return { ...own, notice };
      }
    };
  }

  async function autoOrder(description: ModelDescription, shape: JobShape, graphs: Plan['graphs']) {
    const list = available();
    const candidates = autoCandidates(platform, list, await hasWebGpuAdapter(list));
    const callShape: UNetCallShape = {
      channels: description.unetInChannels,
      latentHeight: shape.height / description.vaeScaleFactor,
      latentWidth: shape.width / description.vaeScaleFactor,
      batch: shape.unetBatch,
      contextWidth: description.textWidth,
    };
    const remembered = known.get(description.hash);
    const { figures, measured } =
      remembered && remembered.candidates.join(',') === candidates.join(',')
        ? { figures: remembered, measured: false }
        : await chooseProvider({
            folder: cache?.modelFolder(description.hash) ?? figuresFolder(options.cacheDir, description.hash),
            modelHash: description.hash,
            modelName: description.name,
            machine: `${platform}-${process.arch} onnxruntime-node ${onnxRuntimeVersion()}`,
            candidates,
            optimizerVersion: options.optimizer?.version ?? null,
            size: { width: shape.width, height: shape.height, batch: shape.unetBatch },
            measure: async (provider) => {
              const g = await graphs(provider);
              const ms = await timeCall(g.files.unet, provider, options.threads, callShape);
              return { ms, optimized: g.path.optimizerVersion !== null };
            },
            log: options.log,
          });
    known.set(description.hash, figures);
    if (measured) options.log(`auto provider for ${description.name}: ${figures.reason}`);
    return figures;
  }

  return {
    figures: () => [...known.values()],
    async plan(description, shape, required) {
      const graphs = graphsFor(description, shape);
      if (required) return requiredPlan(required, required.optimizerVersion === null ? ownGraphs(description) : graphs);
      if (options.preference !== 'auto') {
        const notices: string[] = [];
        const order = resolveProviders(options.preference, platform, available(), (m) => notices.push(m));
        return { order, notices, figures: null, required: false, graphs };
      }
      const figures = await autoOrder(description, shape, graphs);
      return { order: rankedOrder(figures), notices: [], figures, required: false, graphs };
    },
  };

  async function requiredPlan(required: ExecutionPath, graphs: Plan['graphs']): Promise<Plan> {
    const provider = required.provider as ProviderId;
    const info = available().find((p) => p.id === provider);
    if (!info?.available) throw new ExecutionUnavailableError(required, info?.note ?? `no ${provider} provider here`);
    if (provider === 'webgpu' && !(await hasWebGpuAdapter([info])))
      throw new ExecutionUnavailableError(required, 'no WebGPU adapter on this machine');
    if (required.optimizerVersion !== null && required.optimizerVersion !== options.optimizer?.version) {
      const have = options.optimizer ? `this build has v${options.optimizer.version}` : 'this build has no optimiser';
      throw new ExecutionUnavailableError(required, have);
    }
    if (required.optimizerVersion !== null && required.precision !== options.gpuPrecision)
      throw new ExecutionUnavailableError(required, `this studio optimises to ${options.gpuPrecision}`);
    const checked: Plan['graphs'] = async (p, onProgress) => {
      const g = await graphs(p, onProgress);
      if (g.path.precision !== required.precision || g.path.optimizerVersion !== required.optimizerVersion)
        throw new ExecutionUnavailableError(required, g.notice ?? 'its optimised copy cannot be made here');
      return g;
    };
    return { order: [provider], notices: [], figures: null, required: true, graphs: checked };
  }
}

/** Without an optimiser the figures still need a home: the same folder an optimised copy would use. */
function figuresFolder(cacheDir: string | undefined, modelHash: string): string | null {
  return cacheDir ? path.join(cacheDir, 'optimized', modelHash) : null;
}

/** The model's files with each graph the copy holds swapped in; configs and the tokenizer stay the model's. */
function copiedFiles(files: ModelFiles, copyDir: string): ModelFiles {
  const swapped = { ...files };
  for (const [field, folder] of Object.entries(graphFolders) as [keyof typeof graphFolders, string][]) {
    const file = path.join(copyDir, folder, 'model.onnx');
    if (files[field] && existsSync(file)) swapped[field] = file;
  }
  return swapped;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 300);
}
