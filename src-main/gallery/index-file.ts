// Turns a PNG already in the gallery folder into a row, from whatever metadata it carries: used by import (files of
// other tools) and by the startup check (the studio's own files whose rows never committed).
import { existsSync } from 'node:fs';
import { fileOf, type GalleryContext } from './context';
import { writeFileAtomic } from '../fs/write-file-atomic';
import { thumbPathFor } from './image-files';
import { readRecipe } from './metadata/read-recipe';
import { decodePngRgb, pixelHash, sha256, textChunksOf } from './png';
import type { NewGeneration } from './records';
import { thumbnailPng } from './thumbnail';

export interface IndexOptions {
  /** Used when the file itself does not say when it was made. */
  created: number;
  /** Parent and init image name files of this gallery: true for its own files, false for imports from elsewhere. */
  ownFile: boolean;
}

/** Throws when the image cannot be decoded (a damaged file is reported, never indexed). */
export function describeFile(
  ctx: GalleryContext,
  path: string,
  bytes: Uint8Array,
  options: IndexOptions,
): NewGeneration {
  const image = decodePngRgb(bytes);
  const recipe = readRecipe(textChunksOf(bytes));
  const thumb = thumbPathFor(path);
  writeFileAtomic(fileOf(ctx, thumb), thumbnailPng(image), { durable: false });
  const own = options.ownFile && recipe.source === 'studio';
  const parentId = own && recipe.parentPath ? (ctx.store.rowByPath(recipe.parentPath)?.id ?? null) : null;
  const kept = (media: string | null) => (own && media && existsSync(fileOf(ctx, media)) ? media : null);
  const initImage = kept(recipe.initImage);
  return {
    created: (own ? recipe.created : null) ?? options.created,
    source: recipe.source,
    metadata: recipe.metadata,
    path,
    thumb,
    fileHash: sha256(bytes),
    pixelHash: pixelHash(image),
    prompt: recipe.prompt,
    negative: recipe.negative,
    seed: recipe.seed,
    batchIndex: recipe.batchIndex,
    batchSize: recipe.batchSize,
    steps: recipe.steps,
    guidance: recipe.guidance,
    scheduler: recipe.scheduler,
    width: recipe.width ?? image.width,
    height: recipe.height ?? image.height,
    modelName: recipe.modelName,
    modelHash: recipe.modelHash,
    strength: recipe.strength,
    initImage,
    maskImage: kept(recipe.maskImage),
    parentId,
    provider: recipe.provider,
    timings: recipe.timings,
    concepts: recipe.concepts,
  };
}

/** A thumbnail lost (or never written) is made again from its image. */
export function rebuildThumbnail(ctx: GalleryContext, path: string, bytes: Uint8Array): void {
  writeFileAtomic(fileOf(ctx, thumbPathFor(path)), thumbnailPng(decodePngRgb(bytes)), { durable: false });
}
