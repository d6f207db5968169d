// Making an image again from its row, and comparing the pixels with the stored file: the gallery's promise that every
// image is reproducible. The engine is a dependency (`generate`), so the gallery never imports it.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { GenerateParams, GenerateResult } from '../engine';
import { StudioError } from '../shared/errors';
import { generationLimits as limits } from '../shared/generation-limits';
import { isSchedulerId } from '../shared/schedulers';
import type { ReproduceResult, ReusableSettings } from '../shared/gallery';
import { fileOf, type GalleryContext } from './context';
import { writeFileAtomic } from '../fs/write-file-atomic';
import { decodePngRgb, studioPng, textChunksOf } from './png';
import type { GenerationRow } from './records';

export interface GalleryGenerateRequest {
  /** The model by name; `hash` lets the caller refuse a different model that carries the same name. */
  model: { name: string; hash: string | null };
  params: GenerateParams;
  /** The LoRAs the image was made with (from its recipe); the caller supplies their weights. */
  loras?: { name: string; hash: string; strength: number }[];
}

/** Runs one job to completion (the studio's runs it through the job queue; tests call an engine directly). */
export type GalleryGenerate = (request: GalleryGenerateRequest) => Promise<GenerateResult>;

export async function reproduce(ctx: GalleryContext, id: number, generate: GalleryGenerate): Promise<ReproduceResult> {
  const row = requireRow(ctx, id);
  const { seed, steps, guidance, scheduler, model_name: model } = row;
  if (seed === null || steps === null || guidance === null || model === null || !isSchedulerId(scheduler)) {
    throw new StudioError('invalid_input', `Record ${id} does not say enough about how it was made to make it again`);
  }
  let stored;
  let bytes;
  try {
    bytes = readFileSync(fileOf(ctx, row.path));
    stored = decodePngRgb(bytes);
  } catch (error) {
    throw new StudioError('not_found', `The image file of record ${id} cannot be read (${(error as Error).message})`);
  }
  const params: GenerateParams = {
    prompt: row.prompt,
    negative: row.negative,
    seed: BigInt(seed),
    steps,
    guidance,
    scheduler,
    width: row.width,
    height: row.height,
    // Image k of a batch comes from one noise draw for the whole batch: the batch is made again to get it.
    batch: row.batch_size,
    // The same provider, precision and optimiser as the original, or a plain refusal: never a different image
    // passed off as a reproduction. Images without a recorded path came from the exact CPU path.
    execution: executionOf(bytes) ?? exactPath,
  };
  if (row.strength !== null) {
    params.strength = row.strength;
    params.initImage = initImageOf(ctx, row);
    if (row.mask_image !== null)
      Object.assign(params, { mask: imageOf(ctx, row, row.mask_image, 'mask') }, maskOf(bytes));
  }
  const loras = lorasOf(bytes);
  const result = await generate({
    model: { name: model, hash: row.model_hash },
    params,
    ...(loras.length ? { loras } : {}),
  });
  const image = result.images.find((i) => i.index === row.batch_index) ?? result.images[0];
  const maxDiff = maxDifference(stored, image);
  const created = new Date();
  // A fresh name each time (views cache media by URL); the record's earlier ones go.
  const media = `reproduced/${id}-${created.getTime()}.png`;
  removeEarlier(ctx, id);
  const info = {
    created,
    provider: result.provider,
    timings: null,
    parent: row.path,
    initImage: row.init_image,
    concepts: [],
  };
  writeFileAtomic(fileOf(ctx, media), studioPng(image, { ...result.settings, seed: image.seed }, image.index, info), {
    durable: false,
  });
  return { id, identical: maxDiff === 0, maxDiff, media };
}

/** The row's settings as a generate.submit input: reuse them, or vary the seed. */
export function reusableSettings(ctx: GalleryContext, id: number): ReusableSettings {
  const row = requireRow(ctx, id);
  const settings: ReusableSettings = {
    prompt: row.prompt,
    negative: row.negative,
    batch: Math.min(limits.batch.max, row.batch_size),
  };
  if (row.model_name !== null) settings.model = row.model_name;
  if (row.seed !== null) settings.seed = row.seed;
  // Settings another tool allowed but the studio does not are left out: the form keeps its own value for them.
  if (row.steps !== null && row.steps <= limits.steps.max) settings.steps = row.steps;
  if (row.guidance !== null && row.guidance <= limits.guidance.max) settings.guidance = row.guidance;
  if (isSchedulerId(row.scheduler)) settings.scheduler = row.scheduler;
  const { min, max, multiple } = limits.side;
  const side = (n: number) => n >= min && n <= max && n % multiple === 0;
  if (side(row.width) && side(row.height)) Object.assign(settings, { width: row.width, height: row.height });
  const loras = lorasOf(readFileSync(fileOf(ctx, row.path)));
  if (loras.length) settings.loras = loras.map(({ name, strength }) => ({ name, strength }));
  if (row.strength !== null && row.init_image !== null) {
    settings.strength = row.strength;
    settings.initImage = { pngBase64: readFileSync(fileOf(ctx, row.init_image)).toString('base64') };
    if (row.mask_image !== null) {
      settings.mask = { pngBase64: readFileSync(fileOf(ctx, row.mask_image)).toString('base64') };
      Object.assign(settings, maskOf(readFileSync(fileOf(ctx, row.path))));
    }
  }
  return settings;
}

function removeEarlier(ctx: GalleryContext, id: number): void {
  const dir = fileOf(ctx, 'reproduced');
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) if (name.startsWith(`${id}-`)) rmSync(path.join(dir, name), { force: true });
}

function requireRow(ctx: GalleryContext, id: number): GenerationRow {
  const row = ctx.store.row(id);
  if (!row) throw new StudioError('not_found', `No record ${id} in the gallery`);
  return row;
}

function initImageOf(ctx: GalleryContext, row: GenerationRow) {
  if (row.init_image === null)
    throw new StudioError('not_found', `Record ${row.id} is img2img but its init image was not kept`);
  return imageOf(ctx, row, row.init_image, 'init image');
}

function imageOf(ctx: GalleryContext, row: GenerationRow, media: string, what: string) {
  try {
    const image = decodePngRgb(readFileSync(fileOf(ctx, media)));
    return { width: image.width, height: image.height, data: image.rgb };
  } catch (error) {
    throw new StudioError('not_found', `The ${what} of record ${row.id} cannot be read (${(error as Error).message})`);
  }
}

const exactPath: NonNullable<GenerateParams['execution']> = {
  provider: 'cpu',
  precision: 'model',
  optimizerVersion: null,
};
const precisions = ['model', 'fp16', 'fp32'] as const;

/**
 * The execution path the image's recipe names (GPU provider, optimised graph), or null for the exact CPU path. A path
 * that cannot be read is refused rather than guessed.
 */
export function executionOf(bytes: Uint8Array): GenerateParams['execution'] | null {
  let recorded: { provider?: unknown; precision?: unknown; optimizerVersion?: unknown } | undefined;
  try {
    recorded = (JSON.parse(textChunksOf(bytes)['studio'] ?? '{}') as { execution?: typeof recorded }).execution;
  } catch {
    return null;
  }
  if (recorded === undefined) return null;
  const precision = precisions.find((p) => p === recorded.precision);
  const version = recorded.optimizerVersion;
  if (typeof recorded.provider !== 'string' || !precision || !(version === null || Number.isInteger(version)))
    throw new StudioError('invalid_input', 'The image names how it was computed in a form this studio cannot read');
  return { provider: recorded.provider, precision, optimizerVersion: version as number | null };
}

/** How an inpainting job applied its mask, from the image's own recipe (the row keeps only the mask's file). */
function maskOf(
  bytes: Uint8Array,
): Pick<ReusableSettings, 'maskBlur' | 'keepDecoded' | 'inpaintArea' | 'inpaintPadding'> {
  try {
    const { mask } = JSON.parse(textChunksOf(bytes)['studio'] ?? '{}') as {
      mask?: { blur?: unknown; keepDecoded?: unknown; inpaintArea?: unknown; inpaintPadding?: unknown };
    };
    return {
      ...(typeof mask?.blur === 'number' ? { maskBlur: mask.blur } : {}),
      ...(typeof mask?.keepDecoded === 'boolean' ? { keepDecoded: mask.keepDecoded } : {}),
      ...(mask?.inpaintArea === 'masked' ? { inpaintArea: 'masked' as const } : {}),
      ...(typeof mask?.inpaintPadding === 'number' ? { inpaintPadding: mask.inpaintPadding } : {}),
    };
  } catch {
    return {};
  }
}

/** The LoRAs of the studio recipe (`loras`: name, file hash, strength), which reproduce must merge again. */
function lorasOf(bytes: Uint8Array): { name: string; hash: string; strength: number }[] {
  try {
    const { loras } = JSON.parse(textChunksOf(bytes)['studio'] ?? '{}') as { loras?: unknown };
    if (!Array.isArray(loras)) return [];
    return loras
      .filter(
        (l): l is { name: string; hash: string; strength: number } =>
          typeof l?.name === 'string' && typeof l?.hash === 'string' && typeof l?.strength === 'number',
      )
      .map(({ name, hash, strength }) => ({ name, hash, strength }));
  } catch {
    return [];
  }
}

function maxDifference(
  a: { rgb: Uint8Array; width: number; height: number },
  b: { rgb: Uint8Array; width: number; height: number },
): number {
  if (a.width !== b.width || a.height !== b.height) return 255;
  let max = 0;
  for (let i = 0; i < a.rgb.length; i++) {
    const d = Math.abs(a.rgb[i] - b.rgb[i]);
    if (d > max) max = d;
  }
  return max;
}
