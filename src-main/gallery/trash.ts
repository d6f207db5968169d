// Delete moves records to the trash (files stay; restore undoes it); emptying the trash removes files, then rows, so
// that a crash in between leaves rows flagged missing rather than files that the startup check would bring back.
import { rmSync } from 'node:fs';
import type { GalleryContext } from './context';
import { fileOf } from './context';

export function moveToTrash(ctx: GalleryContext, ids: number[]): number[] {
  return changed(
    ctx,
    'UPDATE generations SET deleted_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL RETURNING id',
    [Date.now(), JSON.stringify(ids)],
  );
}

export function restoreFromTrash(ctx: GalleryContext, ids: number[]): number[] {
  return changed(
    ctx,
    'UPDATE generations SET deleted_at = NULL WHERE id IN (SELECT value FROM json_each(?)) AND deleted_at IS NOT NULL RETURNING id',
    [JSON.stringify(ids)],
  );
}

function changed(ctx: GalleryContext, sql: string, params: unknown[]): number[] {
  return ctx.db
    .transaction(() =>
      ctx.db
        .prepare<unknown[], { id: number }>(sql)
        .all(...params)
        .map((r) => r.id),
    )
    .immediate();
}

export function emptyTrash(ctx: GalleryContext): number[] {
  const rows = ctx.db
    .prepare<[], { id: number; path: string; thumb: string; init_image: string | null; mask_image: string | null }>(
      'SELECT id, path, thumb, init_image, mask_image FROM generations WHERE deleted_at IS NOT NULL',
    )
    .all();
  for (const row of rows) {
    rmSync(fileOf(ctx, row.path), { force: true });
    rmSync(fileOf(ctx, row.thumb), { force: true });
  }
  const ids = rows.map((r) => r.id);
  ctx.db
    .transaction(() => {
      ctx.db.prepare('DELETE FROM generations WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids));
    })
    .immediate();
  // Init images and masks are shared by content (one folder for both): one goes when no record uses it any more.
  const inUse = ctx.db.prepare('SELECT 1 FROM generations WHERE init_image = @m OR mask_image = @m LIMIT 1');
  for (const media of new Set(rows.flatMap((r) => [r.init_image ?? [], r.mask_image ?? []].flat()))) {
    if (!inUse.get({ m: media })) rmSync(fileOf(ctx, media), { force: true });
  }
  return ids;
}
