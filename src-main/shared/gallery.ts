// The gallery as the renderer sees it: records, queries, actions, presets and boards, validated here at the boundary.
import { z } from 'zod';
import { base64Png } from './base64-png';
import {
  dimensionSchema,
  guidanceSchema,
  promptSchema,
  schedulerIds,
  seedSchema,
  stepsSchema,
  type GeneratedImageRef,
} from './generation';

export const gallerySources = ['studio', 'a1111', 'invokeai', 'comfyui', 'fooocus', 'unknown'] as const;
export type GallerySource = (typeof gallerySources)[number];

export interface GalleryConcept {
  trigger: string;
  hash: string;
}

/** One image in the gallery: everything needed to make it again, where it came from, and what the user did with it. */
export interface GalleryRecord {
  id: number;
  /** ISO 8601: when the image was made (for imports: the file's time). */
  created: string;
  source: GallerySource;
  /** How much of the recipe is known: an image without readable metadata is kept, marked `none`. */
  metadata: 'complete' | 'partial' | 'none';
  prompt: string;
  negative: string;
  seed: string | null;
  batchIndex: number;
  batchSize: number;
  steps: number | null;
  guidance: number | null;
  /** A studio scheduler id, or another tool's sampler name when it has no counterpart. */
  scheduler: string | null;
  width: number;
  height: number;
  model: string | null;
  modelHash: string | null;
  /** img2img strength; null for txt2img. */
  strength: number | null;
  /** Media path of the stored copy of the init image (img2img). */
  initImage: string | null;
  /** The generation whose image this one was made from. */
  parent: number | null;
  concepts: GalleryConcept[];
  provider: string | null;
  timings: Record<string, number> | null;
  /** Media paths, relative to the data directory (served under /media/…). */
  path: string;
  thumb: string;
  favorite: boolean;
  rating: number | null;
  tags: string[];
  boards: { id: number; name: string }[];
  trashed: boolean;
  /** The row's file has disappeared from disk (found by the startup check); kept, never dropped silently. */
  missing: boolean;
}

export interface GalleryPage {
  items: GalleryRecord[];
  /** Pass back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

export interface GalleryDetail {
  record: GalleryRecord;
  /** Parent, grandparent, … (nearest first). */
  ancestors: GalleryRecord[];
  children: GalleryRecord[];
}

export interface GalleryImageRef extends GeneratedImageRef {
  /** The gallery id of the saved image. */
  id: number;
}

export interface ImportSummary {
  imported: number;
  skipped: number;
  failed: { file: string; error: string }[];
  ids: number[];
}

export interface ReproduceResult {
  id: number;
  identical: boolean;
  /** Largest difference of one 8-bit channel value between the stored and the new image. */
  maxDiff: number;
  /** Media path of the image made again. */
  media: string;
}

export interface ExportResult {
  /** Media path of the folder written (PNG files + manifest.json). */
  folder: string;
  files: string[];
}

/** gallery.exportTo: the folder the user chose (an absolute path of their own choosing) and the names written there. */
export type ExportToResult = { cancelled: true } | { cancelled: false; folder: string; files: string[] };

export interface Board {
  id: number;
  name: string;
  count: number;
  created: string;
}

export const galleryIdSchema = z
  .union([z.number().int().positive(), z.string().regex(/^\d{1,15}$/, 'must be a gallery id')])
  .transform((value) => Number(value))
  .refine((value) => Number.isSafeInteger(value) && value > 0, { message: 'must be a gallery id' });

const ids = z.array(galleryIdSchema).min(1).max(10_000);
const name = z.string().trim().min(1).max(200);
const dimension = z.number().int().min(8).max(16_384);
/** An instant: epoch milliseconds or an ISO 8601 date / date-time. */
const instant = z.union([z.number().int(), z.string().max(40)]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) ctx.addIssue({ code: 'custom', message: 'must be a date' });
  return ms;
});

export const gallerySorts = ['newest', 'oldest', 'rating'] as const;

export const galleryQuerySchema = z
  .object({
    /** Full text over prompt and negative: all words, "a phrase", prefix*, -excluded. */
    query: z.string().max(1000).optional(),
    /** A model name or hash. */
    model: z.string().min(1).max(200).optional(),
    scheduler: z.string().min(1).max(100).optional(),
    width: dimension.optional(),
    height: dimension.optional(),
    from: instant.optional(),
    /** Exclusive. */
    to: instant.optional(),
    favorite: z.boolean().optional(),
    minRating: z.number().int().min(1).max(5).optional(),
    /** A board id or name. */
    board: z.union([z.number().int().positive(), name]).optional(),
    tag: name.optional(),
    hasInitImage: z.boolean().optional(),
    /** A concept's trigger or file hash. */
    concept: name.optional(),
    source: z.enum(gallerySources).optional(),
    /** List the trash instead of the gallery. */
    trash: z.boolean().default(false),
    sort: z.enum(gallerySorts).default('newest'),
    limit: z.number().int().min(1).max(500).default(100),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type GalleryQuery = z.input<typeof galleryQuerySchema>;
export type ParsedGalleryQuery = z.output<typeof galleryQuerySchema>;

export const gallerySearchSchema = galleryQuerySchema.extend({ query: z.string().min(1).max(1000) });

const idRef = z.object({ id: galleryIdSchema }).strict();
const idsRef = z.object({ ids }).strict();

export const galleryUpdateSchema = z
  .object({
    ids,
    favorite: z.boolean().optional(),
    /** 1–5, or null to clear. */
    rating: z.number().int().min(1).max(5).nullable().optional(),
    addTags: z.array(name).max(100).optional(),
    removeTags: z.array(name).max(100).optional(),
    addBoards: z.array(z.number().int().positive()).max(100).optional(),
    removeBoards: z.array(z.number().int().positive()).max(100).optional(),
  })
  .strict();
export type GalleryUpdate = z.output<typeof galleryUpdateSchema>;

export const galleryImportSchema = z
  .object({
    files: z
      .array(z.object({ name: z.string().min(1).max(500), pngBase64: base64Png }).strict())
      .min(1)
      .max(1000),
  })
  .strict();

export const galleryVarySchema = z.object({ id: galleryIdSchema, seed: seedSchema.optional() }).strict();

export const seedPolicies = ['random', 'fixed'] as const;

export const presetParamsSchema = z
  .object({
    prompt: promptSchema.default(''),
    negative: promptSchema.default(''),
    model: z.string().min(1).max(200).optional(),
    scheduler: z.enum(schedulerIds).optional(),
    steps: stepsSchema.optional(),
    guidance: guidanceSchema.optional(),
    width: dimensionSchema.optional(),
    height: dimensionSchema.optional(),
    concepts: z
      .array(z.object({ trigger: name, hash: z.string().min(1).max(128) }).strict())
      .max(50)
      .default([]),
    seedPolicy: z.enum(seedPolicies).default('random'),
    /** Used when seedPolicy is `fixed`. */
    seed: z
      .string()
      .regex(/^\d{1,20}$/)
      .optional(),
  })
  .strict()
  .refine((p) => p.seedPolicy !== 'fixed' || p.seed !== undefined, {
    message: 'a fixed seed policy needs a seed',
    path: ['seed'],
  });
export type PresetParams = z.output<typeof presetParamsSchema>;

export interface Preset {
  id: number;
  name: string;
  params: PresetParams;
  created: string;
  updated: string;
}

export const presetSaveSchema = z.object({ name, params: presetParamsSchema }).strict();
export const presetRefSchema = z.object({ id: z.number().int().positive() }).strict();

/** Settings to put back in the generate form (and to submit): a `generate.submit` input. */
export interface ReusableSettings {
  model?: string;
  prompt: string;
  negative: string;
  seed?: string;
  steps?: number;
  guidance?: number;
  scheduler?: (typeof schedulerIds)[number];
  width?: number;
  height?: number;
  batch: number;
  strength?: number;
  initImage?: { pngBase64: string };
  /** Inpainting: the mask and how it was applied. */
  mask?: { pngBase64: string };
  maskBlur?: number;
  keepDecoded?: boolean;
  inpaintArea?: 'whole' | 'masked';
  inpaintPadding?: number;
  /** The LoRAs the image was made with, by name, at their strengths. */
  loras?: { name: string; strength: number }[];
}

/** What a PNG's metadata says, read without importing it (PNG info). */
export interface PngInfo extends Pick<
  GalleryRecord,
  | 'source'
  | 'metadata'
  | 'prompt'
  | 'negative'
  | 'seed'
  | 'steps'
  | 'guidance'
  | 'scheduler'
  | 'width'
  | 'height'
  | 'model'
  | 'modelHash'
  | 'strength'
  | 'concepts'
> {
  /** The A1111 `parameters` text, when the file carries one. */
  parameters: string | null;
  /** The settings the studio can use, as a generate.submit input. */
  settings: ReusableSettings;
}

export const pngInfoSchema = z.object({ pngBase64: base64Png }).strict();

export const boardCreateSchema = z.object({ name }).strict();
export const boardRenameSchema = z.object({ id: z.number().int().positive(), name }).strict();
export const boardRefSchema = z.object({ id: z.number().int().positive() }).strict();

export const galleryInputs = { idRef, idsRef };

export interface GalleryEvents {
  'gallery.added': { records: GalleryRecord[] };
  'gallery.updated': { records: GalleryRecord[] };
  /** `permanent`: the trash was emptied; otherwise the records moved to the trash (restore brings them back). */
  'gallery.removed': { ids: number[]; permanent: boolean };
}

/** What the gallery's filters can be set to, each value with the number of records (outside the trash) it finds. */
export interface GalleryFacets {
  models: { value: string; count: number }[];
  schedulers: { value: string; count: number }[];
  sizes: { width: number; height: number; count: number }[];
  concepts: { value: string; count: number }[];
  tags: { value: string; count: number }[];
  txt2img: number;
  img2img: number;
  favorites: number;
  /** Records in the trash. */
  trash: number;
}
