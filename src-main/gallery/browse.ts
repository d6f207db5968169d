// Pages of the gallery: filters, full text, three sorts, and keyset pagination (a cursor names the last row seen, so
// rows added or removed meanwhile never shift a page). Ids grow with insertion, so "newest" is the id order, which
// FTS5 can walk directly; "rating" walks one rating at a time (there are six) for the same reason.
import type Database from 'better-sqlite3';
import type { GalleryPage, ParsedGalleryQuery } from '../shared/gallery';
import { StudioError } from '../shared/errors';
import type { StudioDb } from './database';
import type { GenerationRow } from './records';
import { combined, parseSearch } from './search-query';
import type { Store } from './store';

interface Cursor {
  rating: number;
  id: number;
}

interface Filter {
  from: string;
  key: string;
  where: string[];
  params: unknown[];
}

export function createBrowser(db: StudioDb, store: Store) {
  const statements = new Map<string, Database.Statement<unknown[], GenerationRow>>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size > 200) statements.clear();
      statement = db.prepare<unknown[], GenerationRow>(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const boardId = db.prepare<[string], { id: number }>('SELECT id FROM boards WHERE name = ?');
  const tagId = db.prepare<[string], { id: number }>('SELECT id FROM tags WHERE name = ?');
  const countLive = db.prepare<[], { n: number }>(
    `SELECT (SELECT count(*) FROM generations) -
            (SELECT count(*) FROM generations WHERE deleted_at IS NOT NULL) AS n`,
  );
  const countLiveMatches = db.prepare<[{ match: string }], { n: number }>(
    `SELECT (SELECT count(*) FROM generations_fts WHERE generations_fts MATCH @match) -
            (SELECT count(*) FROM generations g INDEXED BY generations_trash WHERE g.deleted_at IS NOT NULL
               AND g.id IN (SELECT rowid FROM generations_fts WHERE generations_fts MATCH @match)) AS n`,
  );

  function filterFor(q: ParsedGalleryQuery): Filter | null {
    const text = parseSearch(q.query ?? '');
    const match = combined(text);
    const f: Filter = { from: 'generations g', key: 'g.id', where: [], params: [] };
    const add = (clause: string, ...params: unknown[]) => {
      f.where.push(clause);
      f.params.push(...params);
    };
    if (match !== null) {
      // Driving the query from the FTS index, in its rowid order, is what keeps a broad search fast.
      f.from = 'generations_fts f JOIN generations g ON g.id = f.rowid';
      f.key = 'f.rowid';
      add('generations_fts MATCH ?', match);
    } else if (text.exclude !== null) {
      add('g.id NOT IN (SELECT rowid FROM generations_fts WHERE generations_fts MATCH ?)', text.exclude);
    }
    add(q.trash ? 'g.deleted_at IS NOT NULL' : 'g.deleted_at IS NULL');
    if (q.model !== undefined) add('(g.model_name = ? OR g.model_hash = ?)', q.model, q.model);
    if (q.scheduler !== undefined) add('g.scheduler = ?', q.scheduler);
    if (q.width !== undefined) add('g.width = ?', q.width);
    if (q.height !== undefined) add('g.height = ?', q.height);
    if (q.from !== undefined) add('g.created >= ?', q.from);
    if (q.to !== undefined) add('g.created < ?', q.to);
    if (q.favorite !== undefined) add('g.favorite = ?', q.favorite ? 1 : 0);
    if (q.minRating !== undefined && q.sort !== 'rating') add('g.rating >= ?', q.minRating);
    if (q.hasInitImage !== undefined) add(q.hasInitImage ? 'g.init_image IS NOT NULL' : 'g.init_image IS NULL');
    if (q.source !== undefined) add('g.source = ?', q.source);
    if (q.concept !== undefined) {
      add(
        'g.id IN (SELECT generation_id FROM generation_concepts WHERE trigger = ? OR file_hash = ?)',
        q.concept,
        q.concept,
      );
    }
    if (q.board !== undefined) {
      const id = typeof q.board === 'number' ? q.board : boardId.get(q.board)?.id;
      if (id === undefined) return null;
      add('g.id IN (SELECT generation_id FROM board_items WHERE board_id = ?)', id);
    }
    if (q.tag !== undefined) {
      const id = tagId.get(q.tag)?.id;
      if (id === undefined) return null;
      add('g.id IN (SELECT generation_id FROM generation_tags WHERE tag_id = ?)', id);
    }
    return f;
  }

  function select(
    f: Filter,
    extra: string[],
    params: unknown[],
    order: 'ASC' | 'DESC',
    limit: number,
  ): GenerationRow[] {
    const where = [...f.where, ...extra].join(' AND ');
    const sql = `SELECT g.* FROM ${f.from} WHERE ${where} ORDER BY ${f.key} ${order} LIMIT ?`;
    return prepared(sql).all(...f.params, ...params, limit);
  }

  function rows(q: ParsedGalleryQuery, f: Filter, cursor: Cursor | null, want: number): GenerationRow[] {
    if (q.sort === 'newest') return select(f, cursor ? [`${f.key} < ?`] : [], cursor ? [cursor.id] : [], 'DESC', want);
    if (q.sort === 'oldest') return select(f, cursor ? [`${f.key} > ?`] : [], cursor ? [cursor.id] : [], 'ASC', want);
    const found: GenerationRow[] = [];
    const lowest = q.minRating ?? 0;
    for (let rating = cursor?.rating ?? 5; rating >= lowest && found.length < want; rating--) {
      const after = cursor !== null && rating === cursor.rating;
      const extra = after ? ['g.rating = ?', `${f.key} < ?`] : ['g.rating = ?'];
      found.push(...select(f, extra, after ? [rating, cursor.id] : [rating], 'DESC', want - found.length));
    }
    return found;
  }

  return {
    page(q: ParsedGalleryQuery): GalleryPage {
      const cursor = q.cursor === undefined ? null : parseCursor(q.cursor, q.sort);
      const f = filterFor(q);
      if (!f) return { items: [], nextCursor: null };
      const found = rows(q, f, cursor, q.limit + 1);
      const page = found.slice(0, q.limit);
      const last = page.at(-1);
      const nextCursor = found.length > q.limit && last ? `${q.sort}.${last.rating}.${last.id}` : null;
      return { items: store.records(page), nextCursor };
    },
    /** How many records the query's filters match, whatever the page. */
    count(q: ParsedGalleryQuery): number {
      const f = filterFor(q);
      if (!f) return 0;
      const match = f.key === 'f.rowid' ? (f.params[0] as string) : null;
      if (!q.trash && q.minRating === undefined && f.where.length === (match === null ? 1 : 2)) {
        // Only words (or nothing): count the index and subtract the trash (small, and indexed), rather than visit
        // every matching row to read its trash mark.
        return (match === null ? countLive.get() : countLiveMatches.get({ match }))?.n ?? 0;
      }
      const where = [...f.where, ...(q.minRating !== undefined && q.sort === 'rating' ? ['g.rating >= ?'] : [])];
      const params = [...f.params, ...(q.minRating !== undefined && q.sort === 'rating' ? [q.minRating] : [])];
      const sql = `SELECT count(*) AS n FROM ${f.from} WHERE ${where.join(' AND ')}`;
      return (db.prepare<unknown[], { n: number }>(sql).get(...params) ?? { n: 0 }).n;
    },
  };
}

function parseCursor(raw: string, sort: string): Cursor {
  const m = /^(\w+)\.([0-5])\.(\d{1,15})$/.exec(raw);
  if (!m || m[1] !== sort) throw new StudioError('invalid_input', `cursor: not a cursor of a ${sort} listing`);
  return { rating: Number(m[2]), id: Number(m[3]) };
}

/** `gallery list --offset-id ID`: the page after a given id, in the newest-first order. */
export function cursorAfter(id: number): string {
  return `newest.0.${id}`;
}
