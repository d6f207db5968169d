// The gallery's prepared statements for rows: insert, fetch by id, and the user state (tags, boards, concepts) that is
// attached to a page of rows with one query each rather than one per row.
import type { GalleryConcept, GalleryRecord } from '../shared/gallery';
import type { StudioDb } from './database';
import { toRecord, type GenerationRow, type NewGeneration, type RowExtras } from './records';

export type Store = ReturnType<typeof createStore>;

export function createStore(db: StudioDb) {
  const insertRow = db.prepare(`
    INSERT INTO generations (created, source, metadata, path, thumb, file_hash, pixel_hash, prompt, negative, seed,
      batch_index, batch_size, steps, guidance, scheduler, width, height, model_name, model_hash, strength,
      init_image, mask_image, parent_id, provider, timings)
    VALUES (@created, @source, @metadata, @path, @thumb, @fileHash, @pixelHash, @prompt, @negative, @seed,
      @batchIndex, @batchSize, @steps, @guidance, @scheduler, @width, @height, @modelName, @modelHash, @strength,
      @initImage, @maskImage, @parentId, @provider, @timings)`);
  const insertConcept = db.prepare(
    'INSERT OR IGNORE INTO generation_concepts (generation_id, trigger, file_hash) VALUES (?, ?, ?)',
  );
  const byId = db.prepare<[number], GenerationRow>('SELECT * FROM generations WHERE id = ?');
  const byIds = db.prepare<[string], GenerationRow>(
    'SELECT * FROM generations WHERE id IN (SELECT value FROM json_each(?))',
  );
  const byPath = db.prepare<[string], GenerationRow>('SELECT * FROM generations WHERE path = ?');
  const byFileHash = db.prepare<[string], { id: number }>('SELECT id FROM generations WHERE file_hash = ? LIMIT 1');
  const byPixelHash = db.prepare<[string], { id: number }>(
    'SELECT id FROM generations WHERE pixel_hash = ? ORDER BY deleted_at IS NOT NULL, id DESC LIMIT 1',
  );
  const tagsOf = db.prepare<[string], { gid: number; name: string }>(`
    SELECT gt.generation_id AS gid, t.name FROM generation_tags gt JOIN tags t ON t.id = gt.tag_id
    WHERE gt.generation_id IN (SELECT value FROM json_each(?)) ORDER BY t.name`);
  const boardsOf = db.prepare<[string], { gid: number; id: number; name: string }>(`
    SELECT bi.generation_id AS gid, b.id, b.name FROM board_items bi JOIN boards b ON b.id = bi.board_id
    WHERE bi.generation_id IN (SELECT value FROM json_each(?)) ORDER BY b.name`);
  const conceptsOf = db.prepare<[string], { gid: number; trigger: string; file_hash: string }>(`
    SELECT generation_id AS gid, trigger, file_hash FROM generation_concepts
    WHERE generation_id IN (SELECT value FROM json_each(?)) ORDER BY trigger`);

  function extrasFor(ids: number[]): Map<number, RowExtras> {
    const map = new Map<number, RowExtras>(ids.map((id) => [id, { tags: [], boards: [], concepts: [] }]));
    if (ids.length === 0) return map;
    const json = JSON.stringify(ids);
    for (const t of tagsOf.all(json)) map.get(t.gid)?.tags.push(t.name);
    for (const b of boardsOf.all(json)) map.get(b.gid)?.boards.push({ id: b.id, name: b.name });
    for (const c of conceptsOf.all(json)) map.get(c.gid)?.concepts.push({ trigger: c.trigger, hash: c.file_hash });
    return map;
  }

  return {
    /** Inserts one row (and its concepts); the caller owns the transaction. */
    insert(g: NewGeneration): number {
      const { concepts, timings, ...fields } = g;
      const id = Number(
        insertRow.run({
          ...fields,
          maskImage: fields.maskImage ?? null,
          timings: timings ? JSON.stringify(timings) : null,
        }).lastInsertRowid,
      );
      for (const c of concepts) insertConcept.run(id, c.trigger, c.hash);
      return id;
    },
    row: (id: number): GenerationRow | undefined => byId.get(id),
    rowByPath: (path: string): GenerationRow | undefined => byPath.get(path),
    /** Rows in the order of `ids`; unknown ids are left out. */
    rows(ids: number[]): GenerationRow[] {
      const found = new Map(byIds.all(JSON.stringify(ids)).map((r) => [r.id, r]));
      return ids.flatMap((id) => found.get(id) ?? []);
    },
    idByFileHash: (hash: string): number | undefined => byFileHash.get(hash)?.id,
    idByPixelHash: (hash: string): number | undefined => byPixelHash.get(hash)?.id,
    records(rows: GenerationRow[]): GalleryRecord[] {
      const extras = extrasFor(rows.map((r) => r.id));
      return rows.map((r) => toRecord(r, extras.get(r.id)!));
    },
    concepts(id: number): GalleryConcept[] {
      return extrasFor([id]).get(id)!.concepts;
    },
  };
}
