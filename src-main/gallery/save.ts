// Saving a finished job: every image's PNG (settings embedded) and thumbnail are written and fsynced first, then all
// of the job's rows commit in one transaction. A crash in between leaves files without rows, which the startup check
// indexes from their embedded metadata: nothing committed is lost, and nothing half-written is ever pointed at.
import { existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { ResolvedSettings } from '../engine';
import type { GalleryConcept } from '../shared/gallery';
import { fileOf, type GalleryContext } from './context';
import { writeFileAtomic } from '../fs/write-file-atomic';
import { initFolder, newImagePath, thumbPathFor } from './image-files';
import { pixelHash, plainPng, sha256, studioPng, toRgb, type RgbImage } from './png';
import type { NewGeneration } from './records';
import { thumbnailPng } from './thumbnail';
import { writeFailure } from './write-failure';

export interface SaveJob {
  images: (RgbImage & { seed: bigint; index: number })[];
  settings: ResolvedSettings;
  provider: string;
  timings: object;
  /** The init image an img2img job started from (RGB or RGBA rows). */
  initImage?: { width: number; height: number; data: Uint8Array };
  /** An inpainting job's mask (grey, RGB or RGBA rows), stored like the init image. */
  mask?: { width: number; height: number; data: Uint8Array };
  /** The generation the init image came from; found by its pixels when not given. */
  parentId?: number;
  concepts?: GalleryConcept[];
  created?: Date;
}

export interface SavedImage {
  id: number;
  path: string;
  seed: bigint;
  index: number;
  width: number;
  height: number;
}

export function saveJob(ctx: GalleryContext, job: SaveJob): SavedImage[] {
  const created = job.created ?? new Date();
  const unique = randomBytes(4).toString('hex');
  const init = job.initImage ? storeInitImage(ctx, toRgb(job.initImage)) : null;
  const mask = job.mask ? storeInitImage(ctx, toRgb(job.mask)) : null;
  // A parent named by the caller may have been emptied from the trash since: then it is found by pixels, or none.
  const named = job.parentId !== undefined && ctx.store.row(job.parentId) ? job.parentId : undefined;
  const parentId = named ?? (init ? ctx.store.idByPixelHash(init.pixelHash) : undefined) ?? null;
  const parentPath = parentId === null ? null : (ctx.store.row(parentId)?.path ?? null);
  const concepts = job.concepts ?? [];
  const timings = numericFields(job.timings);
  const written: string[] = [];
  try {
    const rows = job.images.map((image): NewGeneration => {
      const settings = { ...job.settings, seed: image.seed };
      const path = newImagePath(created, image.seed, image.index, unique);
      const info = {
        created,
        provider: job.provider,
        timings,
        parent: parentPath,
        initImage: init?.path ?? null,
        ...(mask ? { mask: mask.path } : {}),
        concepts,
      };
      const png = studioPng(image, settings, image.index, info);
      write(ctx, path, png);
      written.push(path);
      const thumb = thumbPathFor(path);
      // Thumbnails can be made again from their image: no fsync for them.
      write(ctx, thumb, thumbnailPng(image), { durable: false });
      written.push(thumb);
      return {
        created: created.getTime(),
        source: 'studio',
        metadata: 'complete',
        path,
        thumb,
        fileHash: sha256(png),
        pixelHash: pixelHash(image),
        prompt: settings.prompt,
        negative: settings.negative,
        seed: String(image.seed),
        batchIndex: image.index,
        batchSize: settings.batch,
        steps: settings.steps,
        guidance: settings.guidance,
        scheduler: settings.scheduler,
        width: settings.width,
        height: settings.height,
        modelName: settings.model.name,
        modelHash: settings.model.hash,
        strength: settings.strength,
        initImage: init?.path ?? null,
        maskImage: mask?.path ?? null,
        parentId,
        provider: job.provider,
        timings,
        concepts,
      };
    });
    const ids = ctx.db.transaction(() => rows.map((row) => ctx.store.insert(row))).immediate();
    return job.images.map((image, i) => ({
      id: ids[i],
      path: rows[i].path,
      seed: image.seed,
      index: image.index,
      width: image.width,
      height: image.height,
    }));
  } catch (error) {
    // Nothing of a failed save stays behind: no row commits, and its files go (a crash is the startup check's job).
    for (const file of written) rmSync(fileOf(ctx, file), { force: true });
    throw error;
  }
}

/** Init images (and masks) are stored once, named by their pixels, however many results come from them. */
function storeInitImage(ctx: GalleryContext, image: RgbImage): { path: string; pixelHash: string } {
  const hash = pixelHash(image);
  const path = `${initFolder}/${hash}.png`;
  if (!existsSync(fileOf(ctx, path))) write(ctx, path, plainPng(image));
  return { path, pixelHash: hash };
}

/** Writes a media file whole or not at all; a failure says which file and why (a full disk above all). */
function write(ctx: GalleryContext, media: string, bytes: Uint8Array, options?: { durable?: boolean }): void {
  try {
    (ctx.writeFile ?? writeFileAtomic)(fileOf(ctx, media), bytes, options);
  } catch (error) {
    throw writeFailure(error, media, ctx.dataDir);
  }
}

function numericFields(value: object): Record<string, number> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)));
}
