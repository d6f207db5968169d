// The studio's own dialect: the engine's `studio` recipe chunk, plus the gallery's `studio-gallery` chunk with what
// only the gallery knows (when, on which provider, from which parent and init image) so a file alone can rebuild its row.
import { z } from 'zod';
import type { GalleryConcept } from '../../shared/gallery';
import { recipe, type Recipe } from './recipe';

export const galleryChunk = 'studio-gallery';

const studioRecipeSchema = z.object({
  format: z.literal('diffusion-studio/1'),
  prompt: z.string(),
  negative: z.string().default(''),
  seed: z.string().regex(/^\d{1,20}$/),
  steps: z.number().int().positive(),
  guidance: z.number(),
  scheduler: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  batch: z.number().int().positive().default(1),
  strength: z.number().nullable().default(null),
  model: z.object({ name: z.string(), hash: z.string() }),
  index: z.number().int().nonnegative().default(0),
});

const conceptSchema = z.object({ trigger: z.string(), hash: z.string() });

const galleryInfoSchema = z.object({
  format: z.literal('diffusion-studio-gallery/1'),
  created: z.string(),
  provider: z.string().nullable().default(null),
  timings: z.record(z.string(), z.number()).nullable().default(null),
  parent: z.string().nullable().default(null),
  initImage: z.string().nullable().default(null),
  mask: z.string().nullable().default(null),
  concepts: z.array(conceptSchema).default([]),
});

export interface GalleryInfo {
  created: Date;
  provider: string | null;
  timings: Record<string, number> | null;
  /** Media paths (not ids: a rebuilt index numbers rows anew). */
  parent: string | null;
  initImage: string | null;
  /** Inpainting: the mask's media path. */
  mask?: string | null;
  concepts: GalleryConcept[];
}

export function galleryInfoJson(info: GalleryInfo): string {
  return JSON.stringify({ format: 'diffusion-studio-gallery/1', ...info, created: info.created.toISOString() });
}

export function parseStudio(chunks: Record<string, string>): Recipe | null {
  const parsed = studioRecipeSchema.safeParse(tryJson(chunks['studio']));
  if (!parsed.success) return null;
  const r = parsed.data;
  const info = galleryInfoSchema.safeParse(tryJson(chunks[galleryChunk]));
  const g = info.success ? info.data : null;
  const created = g ? Date.parse(g.created) : Number.NaN;
  return recipe('studio', {
    prompt: r.prompt,
    negative: r.negative,
    seed: r.seed,
    steps: r.steps,
    guidance: r.guidance,
    scheduler: r.scheduler,
    width: r.width,
    height: r.height,
    batchSize: r.batch,
    batchIndex: r.index,
    strength: r.strength,
    modelName: r.model.name,
    modelHash: r.model.hash,
    provider: g?.provider ?? null,
    timings: g?.timings ?? null,
    concepts: g?.concepts ?? [],
    created: Number.isFinite(created) ? created : null,
    parentPath: g?.parent ?? null,
    initImage: g?.initImage ?? null,
    maskImage: g?.mask ?? null,
  });
}

function tryJson(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
