// The startup check: files are the source of images, the database their index. Leftover temp files of a crashed write
// go; files without rows are indexed from their embedded metadata; rows whose file is gone are flagged (and unflagged
// if it comes back), never dropped; lost thumbnails are made again.
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileOf, type GalleryContext } from './context';
import { tempSuffix } from '../fs/write-file-atomic';
import { galleryFolder, initFolder, thumbSuffix } from './image-files';
import { describeFile, rebuildThumbnail } from './index-file';

export interface ReconcileReport {
  /** Rows made for files that had none. */
  indexed: number[];
  /** Rows whose file is missing (newly flagged). */
  missing: number[];
  /** Rows whose file is back. */
  found: number[];
  tempFilesRemoved: number;
  thumbnailsRebuilt: number;
  /** Files in the gallery folder that are not readable images (left where they are). */
  unreadable: string[];
}

export interface ReconcileOptions {
  /**
   * Another process (the CLI next to the app) may be between writing a file and committing its row, a window of
   * milliseconds: files younger than this are left for the next check. Default 5 s.
   */
  settleMs?: number;
}

export async function reconcile(ctx: GalleryContext, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const settleMs = options.settleMs ?? 5000;
  const settled = async (media: string) => {
    const info = await stat(fileOf(ctx, media)).catch(() => null);
    return info !== null && Date.now() - info.mtimeMs >= settleMs;
  };
  const report: ReconcileReport = {
    indexed: [],
    missing: [],
    found: [],
    tempFilesRemoved: 0,
    thumbnailsRebuilt: 0,
    unreadable: [],
  };
  const { images, thumbs, temps } = await listGallery(ctx);
  for (const temp of temps) if (!(await settled(temp))) temps.delete(temp);
  for (const temp of temps) {
    await rm(fileOf(ctx, temp), { force: true });
    report.tempFilesRemoved++;
  }

  const rows = ctx.db
    .prepare<[], { id: number; path: string; thumb: string; missing: number }>(
      'SELECT id, path, thumb, missing FROM generations',
    )
    .all();
  const known = new Set<string>();
  const thumbless: string[] = [];
  for (const row of rows) {
    known.add(row.path);
    const present = images.has(row.path);
    if (!present && row.missing === 0) report.missing.push(row.id);
    if (present && row.missing === 1) report.found.push(row.id);
    if (present && !thumbs.has(row.thumb)) thumbless.push(row.path);
  }
  const flag = ctx.db.prepare('UPDATE generations SET missing = ? WHERE id = ?');
  ctx.db
    .transaction(() => {
      for (const id of report.missing) flag.run(1, id);
      for (const id of report.found) flag.run(0, id);
    })
    .immediate();
  for (const media of thumbless) {
    try {
      rebuildThumbnail(ctx, media, await readFile(fileOf(ctx, media)));
      report.thumbnailsRebuilt++;
    } catch {
      report.unreadable.push(media);
    }
  }

  // Oldest first, so that a parent is indexed before the children that name it.
  for (const media of [...images].filter((p) => !known.has(p)).sort()) {
    if (!(await settled(media))) continue;
    try {
      const file = fileOf(ctx, media);
      const bytes = await readFile(file);
      const row = describeFile(ctx, media, bytes, { created: (await stat(file)).mtimeMs, ownFile: true });
      // Another process may have committed it meanwhile.
      if (ctx.store.rowByPath(media)) continue;
      report.indexed.push(ctx.db.transaction(() => ctx.store.insert(row)).immediate());
    } catch (error) {
      ctx.log(`gallery: cannot index ${media}: ${(error as Error).message}`);
      report.unreadable.push(media);
    }
  }
  return report;
}

async function listGallery(ctx: GalleryContext) {
  const images = new Set<string>();
  const thumbs = new Set<string>();
  const temps = new Set<string>();
  const root = fileOf(ctx, galleryFolder);
  if (!existsSync(root)) return { images, thumbs, temps };
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const relative = path.relative(ctx.dataDir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    if (entry.name.endsWith(tempSuffix)) temps.add(relative);
    else if (entry.name.endsWith(thumbSuffix)) thumbs.add(relative);
    else if (/\.png$/i.test(entry.name) && !relative.startsWith(initFolder + '/')) images.add(relative);
  }
  return { images, thumbs, temps };
}
