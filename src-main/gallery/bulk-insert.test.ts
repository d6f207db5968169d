import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { galleryQuerySchema } from '../shared/gallery';
import { rebuildIndexFrom } from './bulk-insert';
import type { NewGeneration } from './records';
import { newRow } from './test-support/rows';
import { tempGallery, type TempGallery } from './test-support/temp-gallery';

let t: TempGallery;
beforeEach(() => {
  t = tempGallery();
});
afterEach(() => t.dispose());

const row = (i: number, prompt = `a quiet lake number${i}`): NewGeneration =>
  newRow({
    created: Date.UTC(2025, 0, 1) + i * 1000,
    // One path per i: a repeated row is a repeated path.
    path: `gallery/2025-01/bulk-${i}.png`,
    thumb: `gallery/2025-01/bulk-${i}.thumb.png`,
    prompt,
    negative: 'blurry',
    seed: String(i),
    concepts: i === 0 ? [{ trigger: 'cat-toy', hash: 'c0ffee' }] : [],
  });
const rows = (count: number) => Array.from({ length: count }, (_, i) => row(i));
const search = (query: string) =>
  t.gallery.list(galleryQuerySchema.parse({ query, limit: 500 })).items.map((r) => r.prompt);
const hasInsertTrigger = () =>
  t.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'generations_fts_insert'").pluck().get() === 1;

describe('bulk insert', () => {
  test('a small batch: rows, concepts and the search index, in one go; tells the views', () => {
    const ids = t.gallery.bulkInsert(rows(3));
    expect(t.gallery.records(ids).map((r) => r.seed)).toEqual(['0', '1', '2']);
    expect(t.gallery.records([ids[0]])[0].concepts).toEqual([{ trigger: 'cat-toy', hash: 'c0ffee' }]);
    expect(search('number1')).toEqual(['a quiet lake number1']);
    expect(t.events.filter((e) => e.event === 'gallery.added')).toHaveLength(1);
  });

  test('a large batch rebuilds the index once and leaves the schema and the connection as they were', () => {
    const cacheSize = t.db.pragma('cache_size', { simple: true });
    const ids = t.gallery.bulkInsert(rows(rebuildIndexFrom));
    expect(ids).toHaveLength(rebuildIndexFrom);
    expect(search(`number${rebuildIndexFrom - 1}`)).toEqual([`a quiet lake number${rebuildIndexFrom - 1}`]);
    expect(search('lake')).toHaveLength(500);
    expect(hasInsertTrigger()).toBe(true);
    expect(t.db.pragma('cache_size', { simple: true })).toBe(cacheSize);
    // Rows added afterwards are indexed by the trigger again.
    t.gallery.bulkInsert([row(rebuildIndexFrom, 'a lone heron')]);
    expect(search('heron')).toEqual(['a lone heron']);
  });

  test('a batch with a bad row inserts nothing and keeps the index trigger', () => {
    const batch = [...rows(rebuildIndexFrom), row(0)]; // the last row repeats a path
    expect(() => t.gallery.bulkInsert(batch)).toThrow(/UNIQUE/);
    expect(search('lake')).toEqual([]);
    expect(hasInsertTrigger()).toBe(true);
    t.gallery.bulkInsert([row(1, 'a lone heron')]);
    expect(search('heron')).toEqual(['a lone heron']);
  });
});
