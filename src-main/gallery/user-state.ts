// What the user adds to an image: favorite, rating, tags, boards — applied to a selection in one transaction.
import { StudioError } from '../shared/errors';
import type { GalleryUpdate } from '../shared/gallery';
import type { GalleryContext } from './context';

export function updateUserState(ctx: GalleryContext, update: GalleryUpdate): number[] {
  const { db } = ctx;
  const ids = [...new Set(update.ids)];
  const json = JSON.stringify(ids);
  db.transaction(() => {
    const found = db
      .prepare<[string], { n: number }>(
        'SELECT count(*) AS n FROM generations WHERE id IN (SELECT value FROM json_each(?))',
      )
      .get(json)!.n;
    if (found !== ids.length)
      throw new StudioError('not_found', `${ids.length - found} of the ids are not in the gallery`);
    if (update.favorite !== undefined) {
      db.prepare('UPDATE generations SET favorite = ? WHERE id IN (SELECT value FROM json_each(?))').run(
        update.favorite ? 1 : 0,
        json,
      );
    }
    if (update.rating !== undefined) {
      db.prepare('UPDATE generations SET rating = ? WHERE id IN (SELECT value FROM json_each(?))').run(
        update.rating ?? 0,
        json,
      );
    }
    for (const name of update.addTags ?? []) {
      db.prepare('INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING').run(name);
      db.prepare(
        `INSERT OR IGNORE INTO generation_tags (generation_id, tag_id)
        SELECT value, (SELECT id FROM tags WHERE name = ?) FROM json_each(?)`,
      ).run(name, json);
    }
    for (const name of update.removeTags ?? []) {
      db.prepare(
        `DELETE FROM generation_tags WHERE tag_id = (SELECT id FROM tags WHERE name = ?)
        AND generation_id IN (SELECT value FROM json_each(?))`,
      ).run(name, json);
    }
    if (update.removeTags?.length)
      db.prepare('DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM generation_tags)').run();
    const boards = [...(update.addBoards ?? []), ...(update.removeBoards ?? [])];
    for (const board of boards) {
      if (!db.prepare('SELECT 1 FROM boards WHERE id = ?').get(board))
        throw new StudioError('not_found', `No board ${board}`);
    }
    const now = Date.now();
    for (const board of update.addBoards ?? []) {
      db.prepare(
        'INSERT OR IGNORE INTO board_items (board_id, generation_id, added) SELECT ?, value, ? FROM json_each(?)',
      ).run(board, now, json);
    }
    for (const board of update.removeBoards ?? []) {
      db.prepare(
        'DELETE FROM board_items WHERE board_id = ? AND generation_id IN (SELECT value FROM json_each(?))',
      ).run(board, json);
    }
  }).immediate();
  return ids;
}
