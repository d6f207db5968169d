// Rows of `generations` as stored, and as the contract's GalleryRecord (camelCase, ISO dates, user state attached).
import type { GalleryConcept, GalleryRecord, GallerySource } from '../shared/gallery';

export interface GenerationRow {
  id: number;
  created: number;
  source: string;
  metadata: string;
  path: string;
  thumb: string;
  file_hash: string;
  pixel_hash: string | null;
  prompt: string;
  negative: string;
  seed: string | null;
  batch_index: number;
  batch_size: number;
  steps: number | null;
  guidance: number | null;
  scheduler: string | null;
  width: number;
  height: number;
  model_name: string | null;
  model_hash: string | null;
  strength: number | null;
  init_image: string | null;
  /** Inpainting: the mask's media path (in the init images' folder). */
  mask_image: string | null;
  parent_id: number | null;
  provider: string | null;
  timings: string | null;
  favorite: number;
  rating: number;
  deleted_at: number | null;
  missing: number;
}

/** What a new row needs; ids, user state and flags start at their defaults. */
export interface NewGeneration {
  created: number;
  source: GallerySource;
  metadata: 'complete' | 'partial' | 'none';
  path: string;
  thumb: string;
  fileHash: string;
  pixelHash: string | null;
  prompt: string;
  negative: string;
  seed: string | null;
  batchIndex: number;
  batchSize: number;
  steps: number | null;
  guidance: number | null;
  scheduler: string | null;
  width: number;
  height: number;
  modelName: string | null;
  modelHash: string | null;
  strength: number | null;
  initImage: string | null;
  /** Inpainting only. */
  maskImage?: string | null;
  parentId: number | null;
  provider: string | null;
  timings: Record<string, number> | null;
  concepts: GalleryConcept[];
}

export interface RowExtras {
  tags: string[];
  boards: { id: number; name: string }[];
  concepts: GalleryConcept[];
}

export function toRecord(row: GenerationRow, extras: RowExtras): GalleryRecord {
  return {
    id: row.id,
    created: new Date(row.created).toISOString(),
    source: row.source as GallerySource,
    metadata: row.metadata as GalleryRecord['metadata'],
    prompt: row.prompt,
    negative: row.negative,
    seed: row.seed,
    batchIndex: row.batch_index,
    batchSize: row.batch_size,
    steps: row.steps,
    guidance: row.guidance,
    scheduler: row.scheduler,
    width: row.width,
    height: row.height,
    model: row.model_name,
    modelHash: row.model_hash,
    strength: row.strength,
    initImage: row.init_image,
    parent: row.parent_id,
    concepts: extras.concepts,
    provider: row.provider,
    timings: row.timings === null ? null : (JSON.parse(row.timings) as Record<string, number>),
    path: row.path,
    thumb: row.thumb,
    favorite: row.favorite === 1,
    rating: row.rating === 0 ? null : row.rating,
    tags: extras.tags,
    boards: extras.boards,
    trashed: row.deleted_at !== null,
    missing: row.missing === 1,
  };
}
