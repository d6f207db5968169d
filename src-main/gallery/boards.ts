// Boards: named collections of generations (an image may be on several).
import type { Board } from '../shared/gallery';
import { StudioError } from '../shared/errors';
import type { StudioDb } from './database';

interface BoardRow {
  id: number;
  name: string;
  created: number;
  count: number;
}

export function createBoards(db: StudioDb) {
  const list = db.prepare<[], BoardRow>(`
    SELECT b.id, b.name, b.created, count(g.id) AS count FROM boards b
    LEFT JOIN board_items bi ON bi.board_id = b.id
    LEFT JOIN generations g ON g.id = bi.generation_id AND g.deleted_at IS NULL
    GROUP BY b.id ORDER BY b.name`);
  const toBoard = (row: BoardRow): Board => ({ ...row, created: new Date(row.created).toISOString() });
  const get = (id: number): Board => {
    const row = list.all().find((b) => b.id === id);
    if (!row) throw new StudioError('not_found', `No board ${id}`);
    return toBoard(row);
  };
  const unique = <T>(name: string, write: () => T): T => {
    try {
      return write();
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new StudioError('conflict', `A board named ${name} exists already`);
      }
      throw error;
    }
  };
  return {
    list: (): Board[] => list.all().map(toBoard),
    create(name: string): Board {
      const id = unique(
        name,
        () => db.prepare('INSERT INTO boards (name, created) VALUES (?, ?)').run(name, Date.now()).lastInsertRowid,
      );
      return get(Number(id));
    },
    rename(id: number, name: string): Board {
      const changes = unique(name, () => db.prepare('UPDATE boards SET name = ? WHERE id = ?').run(name, id).changes);
      if (changes === 0) throw new StudioError('not_found', `No board ${id}`);
      return get(id);
    },
    /** The board goes; its images stay in the gallery. */
    delete: (id: number): boolean => db.prepare('DELETE FROM boards WHERE id = ?').run(id).changes > 0,
    idByName: (name: string): number | undefined =>
      db.prepare<[string], { id: number }>('SELECT id FROM boards WHERE name = ?').get(name)?.id,
  };
}
