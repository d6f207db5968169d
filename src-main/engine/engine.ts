// The engine's front door: plain data in, pixels and settings out; owns the ONNX sessions of one model at a time.
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { openTextEncoder } from './adapters/text-encoder';
import { openUNet } from './adapters/unet';
import { openVaeDecoder } from './adapters/vae-decoder';
import { openVaeEncoder, type VaeEncoder } from './adapters/vae-encoder';
import { createConceptCache } from './concepts/concept-cache';
import { createLoraCache } from './lora/lora-cache';
import { createExecutionPlanner, type PlannerOptions, type ProviderGraphs } from './acceleration/execution-planner';
import { ExecutionUnavailableError, isExactPath } from './acceleration/execution-path';
import { defaultGraphOptimizer } from './acceleration/optimizer-binding';
import type { Precision } from './acceleration/optimized-cache';
import type { GraphOptimizer } from './acceleration/optimizer-types';
import type { ProviderFigures } from './acceleration/provider-choice';
import { InvalidParamsError, isAbortError, ModelFolderError } from './engine-errors';
import { StudioError } from '../shared/errors';
import type { GenerateOptions, GenerateParams, GenerateResult, ResolvedSettings } from './engine-types';
import { defaultThreadCount, type ProviderPreference } from './execution-providers';
import { resolveSettings } from './job-params';
import { readModelFolder, type ModelDescription } from './model-folder';
import type { GraphSession, SessionSettings } from './onnx-session';
import { INPAINT_UNET_CHANNELS, PLAIN_UNET_CHANNELS } from './inpaint-conditioning';
import { runPipeline, unetInputChannels, type PipelineModel } from './pipeline';
import { createProjectionStore } from './preview-projection';
import type { PreviewResources } from './step-preview';
import { chunkPrompt } from './prompt/encode-prompt';
import type { ClipTokenizer } from './tokenizer/clip-tokenizer';
import { loadTokenizer } from './tokenizer/load-tokenizer';

export interface EngineOptions {
  providers?: ProviderPreference;
  /** CPU intra-op threads; default cores − 1. */
  threads?: number;
  log?: (message: string) => void;
  /** The data directory's cache/: fitted preview projections, optimised copies, provider figures; memory only without. */
  cacheDir?: string;
  /** Rewrites graphs for GPU providers (optimised copies); default the build's, null for none. */
  optimizer?: GraphOptimizer | null;
  /** Precision of optimised copies for GPU providers; default fp16. */
  gpuPrecision?: Precision;
  /**
   * Keep the text context in GPU memory between steps on WebGPU (uploaded once per job, not once per step). Off by
   * default until measured on a GPU; the CPU path never uses it.
   */
  deviceResident?: boolean;
  /** What the machine offers, for tests: the provider list, the WebGPU probe, the timed UNet call, the platform. */
  machine?: Pick<PlannerOptions, 'available' | 'probe' | 'timeCall' | 'platform'>;
}

export interface Engine {
  generate(modelDir: string, params: GenerateParams, options?: GenerateOptions): Promise<GenerateResult>;
  describeModel(dir: string): Promise<ModelDescription>;
  /** The text encoder's 77 input ids for `text`, as the model's tokenizer makes them. */
  tokenize(modelDir: string, text: string): Promise<number[]>;
  /** The prompt as the pipeline encodes it: A1111 weights and 75-token chunks of 77 ids each. */
  tokenizeChunks(modelDir: string, text: string): Promise<TokenizedPrompt>;
  /** The `auto` measurements this engine knows (figures are also kept in the cache folder). */
  providerFigures(): ProviderFigures[];
  dispose(): Promise<void>;
}

export interface TokenizedPrompt {
  chunks: { ids: number[]; weights: number[] }[];
  /** A1111's count: 75 per chunk but the last, plus the last chunk's tokens. */
  tokenCount: number;
}

interface LoadedModel extends PipelineModel {
  sessions: () => GraphSession[];
  release: () => Promise<void>;
  /** Jobs finished on these sessions: a provider that fails after its first job is not fallen back from. */
  jobsDone: number;
}

export function createEngine(options: EngineOptions = {}): Engine {
  const log = options.log ?? (() => {});
  // Sessions open on one provider at a time; the planner decides which, and the engine falls back through its order.
  const settings: SessionSettings = {
    providers: ['cpu'],
    threads: options.threads ?? defaultThreadCount(availableParallelism()),
    log,
    deviceResident: options.deviceResident ?? false,
  };
  const planner = createExecutionPlanner({
    preference: options.providers ?? 'auto',
    threads: settings.threads,
    cacheDir: options.cacheDir,
    optimizer: options.optimizer === undefined ? defaultGraphOptimizer : options.optimizer,
    gpuPrecision: options.gpuPrecision ?? 'fp16',
    log,
    ...options.machine,
  });
  let loaded: { dir: string; key: string; model: Promise<LoadedModel> } | null = null;
  // Providers that failed to start or failed a first job: later jobs of this engine go straight to the next one.
  const failed = new Set<string>();
  const concepts = createConceptCache(settings);
  const loras = createLoraCache(settings, options.cacheDir);
  const previews: PreviewResources = {
    projections: createProjectionStore({ cacheDir: options.cacheDir, log }),
    decodeMs: new Map(),
    log,
  };
  // Jobs run one at a time: sessions are not safe to share between concurrent runs, and memory is the limit anyway.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task);
    queue = result.catch(() => {});
    return result;
  };

  async function unload(): Promise<void> {
    const previous = loaded;
    loaded = null;
    await concepts.release();
    await loras.release();
    if (previous) await (await previous.model.catch(() => null))?.release();
  }

  async function load(description: ModelDescription, graphs: ProviderGraphs): Promise<LoadedModel> {
    const key = `${graphs.provider}\0${graphs.files.unet}`;
    if (loaded?.dir === description.dir && loaded.key === key) return loaded.model;
    // A model's sessions take GiBs: the previous model's go before the next one's arrive.
    await unload();
    settings.providers = [graphs.provider];
    const model = openModel({ ...description, files: graphs.files }, settings);
    loaded = { dir: description.dir, key, model };
    model.catch(() => {
      if (loaded?.model === model) loaded = null;
    });
    return model;
  }

  return {
    generate: (modelDir, params, generateOptions = {}) =>
      serial(async () => {
        const started = performance.now();
        const description = (await cachedModel(modelDir))?.description ?? (await readModelFolder(modelDir));
        const resolved = withLoraSettings(resolveSettings(params, description), params);
        const unetBatch = resolved.batch * (resolved.guidance > 1 ? 2 : 1);
        const plan = await planner.plan(
          description,
          { width: resolved.width, height: resolved.height, unetBatch },
          params.execution,
        );
        const warnings = [...plan.notices];
        for (const notice of plan.notices) log(`warning: ${notice}`);
        const order = plan.required
          ? plan.order
          : plan.order.filter((p, i) => !failed.has(p) || i === plan.order.length - 1);
        if (order[0] !== plan.order[0]) warnings.push(`${plan.order[0]} failed earlier; running on ${order[0]}`);
        for (const [i, provider] of order.entries()) {
          const next = order[i + 1];
          let model: LoadedModel | null = null;
          try {
            const graphs = await plan.graphs(provider, (p) => {
              log(`optimising ${description.name} for ${provider}: ${Math.round(p.fraction * 100)} % ${p.stage}`);
              generateOptions.onPrepare?.({ stage: `optimising for ${provider}: ${p.stage}`, fraction: p.fraction });
            });
            if (graphs.notice) warnings.push(graphs.notice);
            model = await load(description, graphs);
            const result = await runJob(model, graphs, resolved, params, generateOptions, started);
            model.jobsDone += 1;
            return { ...result, warnings: [...warnings, ...result.warnings] };
          } catch (error) {
            if (plan.required && params.execution && isProviderFailure(error) && provider !== 'cpu')
              throw new ExecutionUnavailableError(params.execution, `${provider} failed: ${firstLine(error)}`);
            if (plan.required || !next || !isProviderFailure(error) || (model?.jobsDone ?? 0) > 0) throw error;
            failed.add(provider);
            const warning = `${provider} failed (${firstLine(error)}); falling back to ${next}`;
            log(`warning: ${warning}`);
            warnings.push(warning);
            await unload();
          }
        }
        throw new Error('no execution provider to run on');
      }),
    describeModel: (dir) => readModelFolder(dir),
    async tokenize(modelDir, text) {
      return Array.from((await tokenizerOf(modelDir)).encode(text));
    },
    async tokenizeChunks(modelDir, text) {
      const { chunks, tokenCount } = chunkPrompt(await tokenizerOf(modelDir), text);
      return { chunks: chunks.map((c) => ({ ids: Array.from(c.ids), weights: c.weights })), tokenCount };
    },
    providerFigures: () => planner.figures(),
    dispose: () => serial(unload),
  };

  async function runJob(
    base: LoadedModel,
    graphs: ProviderGraphs,
    resolved: ResolvedSettings,
    params: GenerateParams,
    generateOptions: GenerateOptions,
    started: number,
  ): Promise<GenerateResult> {
    // LoRAs first: concept rows are appended to the text encoder the LoRAs changed.
    const withLoras = await loras.apply(base, params.loras);
    const model = await concepts.apply(withLoras, params.concepts);
    checkFixedSize(model, resolved);
    checkUNetChannels(model, resolved);
    if (params.initImage) await model.vaeEncoder();
    const loadMs = performance.now() - started;
    const ortBefore = sumRunMs(model.sessions());
    const output = await runPipeline(model, resolved, params.initImage, generateOptions, previews, params.mask);
    const totalMs = performance.now() - started;
    const ortMs = sumRunMs(model.sessions()) - ortBefore;
    const warnings = [...(withLoras.loraWarnings ?? []), ...output.warnings];
    for (const warning of warnings) log(`warning: ${warning}`);
    return {
      images: output.images,
      // Only a path other than the exact CPU one is named, so that exact recipes stay as they always were.
      settings: isExactPath(graphs.path) ? resolved : { ...resolved, execution: graphs.path },
      provider: model.unet.session.provider,
      timings: { totalMs, loadMs, ...output.timings, ortMs, outsideOrtMs: totalMs - loadMs - ortMs },
      warnings,
    };
  }

  async function tokenizerOf(modelDir: string): Promise<ClipTokenizer> {
    return (await cachedModel(modelDir))?.tokenizer ?? (await modelTokenizer(await readModelFolder(modelDir)));
  }

  async function cachedModel(dir: string): Promise<LoadedModel | null> {
    return loaded && resolve(dir) === loaded.dir ? loaded.model : null;
  }
}

/** The LoRAs a job merged are part of what reproduces its pixels. */
function withLoraSettings(settings: ResolvedSettings, params: GenerateParams): ResolvedSettings {
  if (!params.loras?.length) return settings;
  return { ...settings, loras: params.loras.map(({ name, hash, strength }) => ({ name, hash, strength })) };
}

/** An export with a fixed latent size makes images of one size only; say so instead of failing inside the graph. */
function checkFixedSize(model: LoadedModel, settings: ResolvedSettings): void {
  const fixed = model.unet.fixedLatentSize;
  const f = model.description.vaeScaleFactor;
  if (fixed && (fixed[0] * f !== settings.height || fixed[1] * f !== settings.width)) {
    const field = fixed[1] * f !== settings.width ? 'width' : 'height';
    throw new InvalidParamsError(field, `this model's UNet only makes ${fixed[1] * f}×${fixed[0] * f} images`);
  }
}

/**
 * A plain UNet takes 4 channels; an inpainting UNet 9 and then only inpaints: like diffusers' pipelines, which have
 * no way to run one without an image and a mask, the job is refused rather than fed made-up conditioning.
 */
function checkUNetChannels(model: LoadedModel, settings: ResolvedSettings): void {
  const channels = unetInputChannels(model);
  if (channels === PLAIN_UNET_CHANNELS) return;
  if (channels !== INPAINT_UNET_CHANNELS) {
    throw new ModelFolderError(
      model.description.files.unet,
      `the UNet takes ${channels} input channels; only 4 (plain) and 9 (inpainting) are supported`,
    );
  }
  if (!settings.mask) {
    throw new InvalidParamsError(
      'mask',
      `model ${model.description.name} is an inpainting model (its UNet takes 9 channels): give it an init image ` +
        'and a mask (white = repaint)',
    );
  }
}

async function modelTokenizer(description: ModelDescription): Promise<ClipTokenizer> {
  const folder = dirname(description.files.tokenizer.vocab);
  try {
    return await loadTokenizer(folder);
  } catch (error) {
    throw new ModelFolderError(folder, (error as Error).message);
  }
}

/** A failure a provider may cause (session creation, a kernel); not the job's own (bad input, cancel, concepts). */
function isProviderFailure(error: unknown): boolean {
  if (isAbortError(error) || error instanceof InvalidParamsError) return false;
  return !(error instanceof StudioError && (error.code === 'invalid_input' || error.code === 'unsupported'));
}

/** The first line, without the source location and condition ONNX Runtime's checks put before their message. */
function firstLine(error: unknown): string {
  const line = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return line.replace(/\/onnxruntime_src\/\S+:\d+ .*? was false\. /, '').slice(0, 300);
}

function sumRunMs(sessions: GraphSession[]): number {
  return sessions.reduce((sum, s) => sum + s.runMs, 0);
}

async function openModel(description: ModelDescription, settings: SessionSettings): Promise<LoadedModel> {
  const { files } = description;
  const tokenizer: ClipTokenizer = await modelTokenizer(description);
  const opened: GraphSession[] = [];
  const track = <T extends { session: GraphSession }>(adapter: T): T => {
    opened.push(adapter.session);
    return adapter;
  };
  const releaseAll = async () => {
    for (const session of opened.splice(0)) await session.release();
  };
  try {
    // One after another: parallel creation is no faster on CPU and would raise peak memory.
    const textEncoder = track(await openTextEncoder(files.textEncoder, settings));
    const unet = track(await openUNet(files.unet, settings));
    const vaeDecoder = track(await openVaeDecoder(files.vaeDecoder, settings));
    let vaeEncoder: Promise<VaeEncoder> | null = null;
    return {
      description,
      tokenizer,
      textEncoder,
      unet,
      vaeDecoder,
      vaeEncoder: () => {
        if (!files.vaeEncoder) throw new Error(`${description.name} has no VAE encoder`);
        vaeEncoder ??= openVaeEncoder(files.vaeEncoder, settings).then(track);
        return vaeEncoder;
      },
      sessions: () => [...opened],
      release: releaseAll,
      jobsDone: 0,
    };
  } catch (error) {
    // A model that fails half-way must not keep the sessions it already opened.
    await releaseAll();
    throw error;
  }
}
