// Generation as the app sees it: resolve the model, check the request, queue the job on the engine worker, and when
// it finishes hand the images to the gallery (files + rows, one operation) before telling the views their ids.
import { randomUUID } from 'node:crypto';
import type { EventHub } from '../event-hub';
import type { ModelLibrary, ModelLocation } from '../models';
import type { ConceptVectors, GenerateParams, GenerateResult, InitImage, LoraWeights } from '../engine';
import type { Engine } from '../engine';
import type { JobEvent, JobQueue } from '../engine';
import { decodePngRgb } from '../formats/png/png-metadata';
import { ModelFolderError } from '../engine';
import type { GalleryGenerateRequest } from '../gallery';
import type { SaveJob, SavedImage } from '../gallery';
import type { z } from 'zod';
import type { generateRequestSchema, JobSettings, ModelInfo } from '../shared/generation';
import { StudioError } from '../shared/errors';
import { randomSeed } from '../shared/random-seed';
import type { GalleryConcept } from '../shared/gallery';
import { lorasOfJob, type LoraUse } from '../shared/loras';
import { encodePreview } from './preview-png';

/** A LoRA by name, or by file hash first when known (what reproduce has), at a strength. */
export type LoraRef = LoraUse & { hash?: string };

type GenerateRequest = z.output<typeof generateRequestSchema>;

export interface GenerationService {
  submit(request: GenerateRequest): { jobId: string; seed: string };
  cancel(jobId: string): { cancelled: boolean };
  describe(model: string): Promise<ModelInfo>;
  /** Connect to a queue's events; call once with the queue the studio built. */
  handleJobEvent(event: JobEvent): void;
  /**
   * Runs one job through the queue and resolves with its result, for the gallery's reproduce: nothing is saved and
   * no job events reach the views (the call itself is the answer).
   */
  run(request: GalleryGenerateRequest): Promise<GenerateResult>;
}

export function createGenerationService(deps: {
  dataDir: string;
  models: ModelLibrary;
  queue: () => JobQueue;
  /** Reads model folders on the main thread (no sessions are created for this). */
  inspector: Pick<Engine, 'describeModel'>;
  events: EventHub;
  /** Keeps a finished job's images: the gallery's save. */
  save: (job: SaveJob) => SavedImage[];
  /** The enabled concepts' vectors, usable by trigger in every job's prompts. */
  concepts?: () => ConceptVectors[];
  /** The library's LoRAs by name (or id), with their tensors; an unknown one throws `not_found`. */
  loras?: (uses: readonly LoraRef[]) => LoraWeights[];
  log: (message: string) => void;
}): GenerationService {
  /** What the gallery needs of a job that the engine's result does not carry. */
  const inputs = new Map<
    string,
    { initImage?: InitImage; mask?: InitImage; concepts: GalleryConcept[]; parentId?: number }
  >();
  /**
   * Internal jobs (reproduce, concept previews) by id. The queue emits a job's `queued` event while submitting it,
   * so an internal job's id is chosen and recorded here before it is submitted: every event of it, the first
   * included, finds it in this map and never reaches the views.
   */
  const internal = new Map<string, { resolve: (r: GenerateResult) => void; reject: (e: Error) => void }>();

  function lorasFor(uses: readonly LoraRef[]): LoraWeights[] | undefined {
    if (uses.length === 0) return undefined;
    if (!deps.loras) throw new StudioError('invalid_input', 'LoRAs are not available here');
    return deps.loras(uses);
  }

  function resolveModel(idOrName: string | undefined): ModelLocation {
    const model = idOrName ? deps.models.resolve(idOrName) : deps.models.defaultModel();
    if (!model) {
      throw new StudioError('not_found', idOrName ? `No model named ${idOrName}` : 'No model is installed');
    }
    return model;
  }

  function saveImages(
    event: Extract<JobEvent, { type: 'done' }>,
    { initImage, mask }: { initImage?: InitImage; mask?: InitImage },
    concepts: GalleryConcept[],
    parentId?: number,
  ) {
    const { images, settings, provider, timings } = event.result;
    const saved = deps.save({ images, settings, provider, timings, initImage, mask, concepts, parentId });
    return saved.map((image) => ({
      id: image.id,
      media: image.path,
      seed: String(image.seed),
      index: image.index,
      width: image.width,
      height: image.height,
    }));
  }

  /** Internal jobs end here, silently; true when the event was one of theirs. */
  function settleInternal(event: JobEvent): boolean {
    const waiting = internal.get(event.jobId);
    if (!waiting) return false;
    if (event.type === 'done') waiting.resolve(event.result);
    if (event.type === 'failed') waiting.reject(new StudioError(event.error.code, event.error.message));
    if (event.type === 'cancelled') waiting.reject(new StudioError('generation_failed', 'The job was cancelled'));
    if (event.type === 'done' || event.type === 'failed' || event.type === 'cancelled') internal.delete(event.jobId);
    return true;
  }

  /** Views name models, not folders: a model's path in a message becomes its name (the CLI keeps full paths). */
  function withoutPaths(message: string): string {
    let text = message;
    for (const model of deps.models.list()) text = text.split(model.dir).join(model.name);
    return text.split(deps.dataDir).join('<data>');
  }

  async function describe(idOrName: string): Promise<ModelInfo> {
    const model = resolveModel(idOrName);
    try {
      const d = await deps.inspector.describeModel(model.dir);
      return {
        id: model.id,
        name: model.name,
        bundled: model.bundled,
        kind: d.kind,
        width: d.nativeSize,
        height: d.nativeSize,
        sizeMultiple: d.sizeMultiple,
        defaultScheduler: d.defaultScheduler,
        predictionType: d.predictionType,
        img2img: d.files.vaeEncoder !== null,
        hash: d.hash,
        textWidth: d.textWidth,
      };
    } catch (error) {
      if (error instanceof ModelFolderError) throw new StudioError('model_invalid', withoutPaths(error.message));
      throw error;
    }
  }

  return {
    submit(request) {
      const model = resolveModel(request.model);
      // A request without a seed gets a fresh one, reported back and stored with the images so that they can be
      // made again: uniform over the contract's whole range (see randomSeed), never derived from time or job order.
      const seed = request.seed ?? randomSeed();
      const params: GenerateParams = {
        prompt: request.prompt,
        negative: request.negative,
        seed,
        steps: request.steps,
        guidance: request.guidance,
        scheduler: request.scheduler,
        width: request.width,
        height: request.height,
        batch: request.batch,
        strength: request.strength,
        initImage: request.initImage ? decodeInitImage(request.initImage.pngBase64) : undefined,
        mask: request.mask ? decodeInitImage(request.mask.pngBase64, 'mask') : undefined,
        maskBlur: request.maskBlur,
        keepDecoded: request.keepDecoded,
        inpaintArea: request.inpaintArea,
        inpaintPadding: request.inpaintPadding,
        concepts: deps.concepts?.(),
      };
      // Only the concepts the prompts call go to the engine: an enabled concept made for another model must not
      // break every job with this one.
      const used = conceptsUsed(params);
      params.concepts = params.concepts?.filter((c) => used.some((u) => u.trigger === c.trigger));
      params.loras = lorasFor(lorasOfRequest(request.loras ?? [], request.prompt));
      const jobId = deps.queue().submit(model.dir, params, { previewEvery: request.previewEvery });
      inputs.set(jobId, { initImage: params.initImage, mask: params.mask, concepts: used, parentId: request.parent });
      return { jobId, seed: String(seed) };
    },
    async run(request) {
      const model = deps.models.resolve(request.model.name);
      if (!model) throw new StudioError('not_found', `Model ${request.model.name} is not installed`);
      if (request.model.hash !== null) {
        const { hash } = await describe(model.id);
        if (hash !== request.model.hash) {
          throw new StudioError(
            'not_found',
            `Model ${request.model.name} is installed with hash ${hash}, not ${request.model.hash}`,
          );
        }
      }
      // A reproduced job names its LoRAs by file hash (the library's id), so a renamed LoRA still reproduces.
      const loras = request.loras?.length ? lorasFor(request.loras) : undefined;
      const params = loras ? { ...request.params, loras } : request.params;
      return new Promise<GenerateResult>((resolve, reject) => {
        const jobId = randomUUID();
        internal.set(jobId, { resolve, reject });
        try {
          deps.queue().submit(model.dir, params, { jobId });
        } catch (error) {
          internal.delete(jobId);
          throw error;
        }
      });
    },
    cancel: (jobId) => ({ cancelled: deps.queue().cancel(jobId) }),
    describe,
    handleJobEvent(event) {
      if (settleInternal(event)) return;
      const input = inputs.get(event.jobId);
      if (event.type === 'done' || event.type === 'failed' || event.type === 'cancelled') inputs.delete(event.jobId);
      switch (event.type) {
        case 'queued':
          return deps.events.emit('job.queued', { jobId: event.jobId, position: event.position });
        case 'started':
          return deps.events.emit('job.started', { jobId: event.jobId });
        case 'step': {
          const { step, total, elapsedMs, etaMs, preview } = event.info;
          return deps.events.emit('job.step', {
            jobId: event.jobId,
            step,
            total,
            elapsedMs,
            etaMs,
            preview: preview ? encodePreview(preview) : undefined,
          });
        }
        case 'preparing':
          return deps.events.emit('job.preparing', { jobId: event.jobId, ...event.info });
        case 'cancelled':
          return deps.events.emit('job.cancelled', { jobId: event.jobId, step: event.step });
        case 'failed':
          return deps.events.emit('job.failed', {
            jobId: event.jobId,
            error: { ...event.error, message: withoutPaths(event.error.message) },
          });
        case 'done': {
          let images;
          try {
            images = saveImages(event, input ?? {}, input?.concepts ?? [], input?.parentId);
          } catch (error) {
            deps.log(`saving images of job ${event.jobId} failed: ${String(error)}`);
            return deps.events.emit('job.failed', {
              jobId: event.jobId,
              error: { code: 'generation_failed', message: `Could not save the images: ${(error as Error).message}` },
            });
          }
          const { settings, provider, timings, warnings } = event.result;
          const jobSettings: JobSettings = { ...settings, seed: String(settings.seed) };
          return deps.events.emit('job.done', {
            jobId: event.jobId,
            images,
            settings: jobSettings,
            provider,
            timings,
            warnings,
            concepts: input?.concepts ?? [],
          });
        }
      }
    },
  };
}

function decodeInitImage(pngBase64: string, field = 'initImage') {
  try {
    const image = decodePngRgb(Buffer.from(pngBase64, 'base64'));
    return { width: image.width, height: image.height, data: image.rgb };
  } catch (error) {
    throw new StudioError('invalid_input', `${field}: ${(error as Error).message}`);
  }
}

/** The concepts a job's prompts actually use (their trigger appears as a word), to record with its images. */
function conceptsUsed(params: GenerateParams): GalleryConcept[] {
  const text = `${params.prompt} ${params.negative ?? ''}`.toLowerCase();
  return (params.concepts ?? [])
    .filter((c) => new RegExp(`(^|[^\\p{L}])${escapeRegExp(c.trigger.toLowerCase())}($|[^\\p{L}])`, 'u').test(text))
    .map((c) => ({ trigger: c.trigger, hash: c.hash ?? '' }));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The settings' LoRAs and the prompt's `<lora:name:w>` tags, a malformed tag refused naming it. */
function lorasOfRequest(list: readonly LoraUse[], prompt: string): LoraUse[] {
  try {
    return lorasOfJob(list, [prompt]);
  } catch (error) {
    throw new StudioError('invalid_input', (error as Error).message, { field: 'prompt' });
  }
}
