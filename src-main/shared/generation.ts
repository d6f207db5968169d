// What a renderer may ask of the engine, and what it hears back while a job runs. Validated here, at the boundary.
import { z } from 'zod';
import { base64Png } from './base64-png';
import { generationLimits as limits } from './generation-limits';
import { lorasSchema } from './loras';
import { schedulerIds, type SchedulerIdValue } from './schedulers';

export { schedulerIds, type SchedulerIdValue } from './schedulers';

export const providerIds = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;

/** 0 … 2⁶⁴ − 1, as a decimal string (JSON numbers lose precision past 2⁵³) or a safe integer. */
export const seedSchema = z
  .union([
    z.string().regex(/^\d{1,20}$/, 'must be a whole number'),
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  ])
  .transform((value) => BigInt(value))
  .refine((value) => value <= limits.seed.max, { message: 'must be at most 2^64 - 1' });

const { side, steps, guidance, batch, strength, promptLength, maskBlur, inpaintPadding } = limits;

/** A width or height. */
export const dimensionSchema = z
  .number()
  .int()
  .min(side.min, `must be at least ${side.min}`)
  .max(side.max, `must be at most ${side.max}`)
  .multipleOf(side.multiple, `must be a multiple of ${side.multiple}`);

/** A prompt or negative prompt. */
export const promptSchema = z.string().max(promptLength.max, `must be at most ${promptLength.max} characters`);

export const stepsSchema = z
  .number()
  .int('must be a whole number')
  .min(steps.min, `must be between ${steps.min} and ${steps.max}`)
  .max(steps.max, `must be between ${steps.min} and ${steps.max}`);

export const guidanceSchema = z
  .number()
  .min(guidance.min, `must be at least ${guidance.min} and at most ${guidance.max}`)
  .max(guidance.max, `must be at least ${guidance.min} and at most ${guidance.max}`);

export const batchSchema = z
  .number()
  .int('must be a whole number')
  .min(batch.min, `must be between ${batch.min} and ${batch.max}`)
  .max(batch.max, `must be between ${batch.min} and ${batch.max} images per job`);

export const strengthSchema = z
  .number()
  .gt(strength.above, `must be above ${strength.above} and at most ${strength.max}`)
  .max(strength.max, `must be above ${strength.above} and at most ${strength.max}`);

export const generateRequestSchema = z
  .object({
    /** A model id from system.info / models.list, or an installed model's name; default: the bundled model. */
    model: z.string().min(1).max(200).optional(),
    prompt: promptSchema,
    negative: promptSchema.default(''),
    /** Absent: a random seed, reported back. */
    seed: seedSchema.optional(),
    steps: stepsSchema.optional(),
    guidance: guidanceSchema.optional(),
    scheduler: z.enum(schedulerIds).optional(),
    width: dimensionSchema.optional(),
    height: dimensionSchema.optional(),
    batch: batchSchema.default(1),
    /** img2img: a PNG of exactly width × height. */
    initImage: z.object({ pngBase64: base64Png }).strict().optional(),
    strength: strengthSchema.optional(),
    /** Inpainting (with initImage): a PNG of the init image's size, white = repaint, grey levels blend. */
    mask: z.object({ pngBase64: base64Png }).strict().optional(),
    /** The mask's Gaussian blur, σ in pixels (A1111's "mask blur"); default 4. */
    maskBlur: z
      .number()
      .int('must be a whole number')
      .min(maskBlur.min, `must be between ${maskBlur.min} and ${maskBlur.max}`)
      .max(maskBlur.max, `must be between ${maskBlur.min} and ${maskBlur.max}`)
      .optional(),
    /** Inpainting: keep the decoded pixels outside the mask instead of pasting the init image's back. */
    keepDecoded: z.boolean().optional(),
    /** Inpainting: repaint at the image's scale ('whole', default) or the mask's surroundings at full size ('masked'). */
    inpaintArea: z.enum(['whole', 'masked']).optional(),
    /** 'masked': pixels of context around the mask's bounding box (A1111's "masked area padding"); default 32. */
    inpaintPadding: z
      .number()
      .int('must be a whole number')
      .min(inpaintPadding.min, `must be between ${inpaintPadding.min} and ${inpaintPadding.max}`)
      .max(inpaintPadding.max, `must be between ${inpaintPadding.min} and ${inpaintPadding.max}`)
      .optional(),
    /** Attach a preview image to every n-th step event (0: never). */
    previewEvery: z.number().int().min(0).max(steps.max).default(0),
    /** LoRAs to merge for this job, with their strengths; `<lora:name:w>` tags in the prompt add to (or set) these. */
    loras: lorasSchema.optional(),
    /** The gallery id of the image this job starts from (a sketch over it, a variation): its lineage parent. */
    parent: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict();

export type GenerateRequest = z.input<typeof generateRequestSchema>;

export interface GeneratedImageRef {
  /** Media path inside the data directory, e.g. `gallery/2026-11/….png`; see the api client's mediaUrl(). */
  media: string;
  seed: string;
  index: number;
  width: number;
  height: number;
}

export interface JobSettings {
  prompt: string;
  negative: string;
  seed: string;
  steps: number;
  guidance: number;
  scheduler: SchedulerIdValue;
  width: number;
  height: number;
  batch: number;
  strength: number | null;
  /** Inpainting only: the mask's SHA-256 (of its grey levels) and how it was applied. */
  mask?: { hash: string; blur: number; keepDecoded: boolean; inpaintArea?: 'masked'; inpaintPadding?: number };
  model: { name: string; hash: string };
  /** The LoRAs merged, by library name and file hash. */
  loras?: { name: string; hash: string; strength: number }[];
  /** Only when not the exact CPU path: the provider, graph precision and optimiser version that made the pixels. */
  execution?: { provider: string; precision: 'model' | 'fp16' | 'fp32'; optimizerVersion: number | null };
}

export interface JobTimings {
  totalMs: number;
  /** Creating ONNX Runtime sessions (0 when the model's sessions were cached). */
  loadMs: number;
  textEncodeMs: number;
  /** img2img: preprocessing and VAE encoding of the init image. */
  imageEncodeMs: number;
  denoiseMs: number;
  decodeMs: number;
  /** Time inside ONNX Runtime's run() for this job, and the rest of the job's time after loading. */
  ortMs: number;
  outsideOrtMs: number;
}

export interface JobEvents {
  'job.queued': { jobId: string; position: number };
  'job.started': { jobId: string };
  'job.step': { jobId: string; step: number; total: number; elapsedMs: number; etaMs: number; preview?: string };
  /** Before the first step, on a model's first use on a GPU provider: its optimised copy being built. */
  'job.preparing': { jobId: string; stage: string; fraction: number };
  'job.done': {
    jobId: string;
    images: GeneratedImageRef[];
    settings: JobSettings;
    provider: string;
    timings: JobTimings;
    /** What the engine had to change, in words (e.g. a long prompt truncated for a UNet fixed at 77 tokens). */
    warnings: string[];
  };
  'job.failed': { jobId: string; error: { code: string; message: string } };
  'job.cancelled': { jobId: string; step: number };
}

export interface ModelInfo {
  id: string;
  name: string;
  bundled: boolean;
  kind: 'sd1' | 'sd2';
  width: number;
  height: number;
  /** Width and height must be multiples of this. */
  sizeMultiple: number;
  defaultScheduler: SchedulerIdValue;
  predictionType: string;
  img2img: boolean;
  hash: string;
  /** The text encoder's width: a concept fits this model when its vectors are as wide. */
  textWidth: number;
}
