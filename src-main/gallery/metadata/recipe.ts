// What a PNG's metadata says about how it was made, in the gallery's fields, whichever tool's dialect it came in.
import type { GalleryConcept, GallerySource } from '../../shared/gallery';

export interface Recipe {
  source: GallerySource;
  metadata: 'complete' | 'partial' | 'none';
  prompt: string;
  negative: string;
  seed: string | null;
  batchIndex: number;
  batchSize: number;
  steps: number | null;
  guidance: number | null;
  scheduler: string | null;
  width: number | null;
  height: number | null;
  modelName: string | null;
  modelHash: string | null;
  strength: number | null;
  concepts: GalleryConcept[];
  provider: string | null;
  timings: Record<string, number> | null;
  /** Provenance the studio writes into its own files (ms since epoch; media paths of the parent and init image). */
  created: number | null;
  parentPath: string | null;
  initImage: string | null;
  maskImage: string | null;
}

export type RecipeFields = Partial<Omit<Recipe, 'source' | 'metadata'>>;

/** Fills the gaps of what a dialect found, and rates how much of the recipe is known. */
export function recipe(source: GallerySource, fields: RecipeFields): Recipe {
  const r: Recipe = {
    source,
    metadata: 'none',
    prompt: fields.prompt ?? '',
    negative: fields.negative ?? '',
    seed: fields.seed ?? null,
    batchIndex: fields.batchIndex ?? 0,
    batchSize: Math.max(1, fields.batchSize ?? 1),
    steps: fields.steps ?? null,
    guidance: fields.guidance ?? null,
    scheduler: fields.scheduler ?? null,
    width: fields.width ?? null,
    height: fields.height ?? null,
    modelName: fields.modelName ?? null,
    modelHash: fields.modelHash ?? null,
    strength: fields.strength ?? null,
    concepts: fields.concepts ?? [],
    provider: fields.provider ?? null,
    timings: fields.timings ?? null,
    created: fields.created ?? null,
    parentPath: fields.parentPath ?? null,
    initImage: fields.initImage ?? null,
    maskImage: fields.maskImage ?? null,
  };
  const known = [r.seed, r.steps, r.guidance, r.scheduler, r.modelName ?? r.modelHash];
  r.metadata = known.every((v) => v !== null) ? 'complete' : 'partial';
  return r;
}

/** An image whose metadata no dialect could read: still imported, marked as such. */
export function unknownRecipe(): Recipe {
  return { ...recipe('unknown', {}), metadata: 'none' };
}

/** A whole number from a number or a decimal string (seeds beyond 2^53 stay exact as strings). */
export function wholeString(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value.trim())) return BigInt(value.trim()).toString();
  return null;
}

export function finiteNumber(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

export function positiveInt(value: unknown): number | null {
  const n = finiteNumber(value);
  return n !== null && Number.isInteger(n) && n > 0 ? n : null;
}

export function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function parseJsonObject(raw: string | undefined): Record<string, unknown> | null {
  if (raw === undefined) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
