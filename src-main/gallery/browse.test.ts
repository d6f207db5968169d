import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { galleryQuerySchema, type GalleryQuery } from '../shared/gallery';
import { tempGallery, type TempGallery } from './test-support/temp-gallery';
import { insertRows } from './test-support/rows';

let t: TempGallery;
beforeEach(() => {
  t = tempGallery();
});
afterEach(() => t.dispose());

const list = (query: GalleryQuery) => t.gallery.list(galleryQuerySchema.parse(query));
const ids = (query: GalleryQuery) => list(query).items.map((r) => r.id);

describe('full-text search over prompt and negative prompt', () => {
  let id: Record<string, number>;
  beforeEach(() => {
    const [castle, castleNight, dog, portrait, oil, accents] = insertRows(t.db, [
      { prompt: 'a castle on a hill', negative: 'blurry' },
      { prompt: 'castle at night, stars', negative: 'people' },
      { prompt: 'a dog in the snow', negative: 'castle' },
      { prompt: 'portrait of a knight', negative: 'low quality' },
      { prompt: 'oil painting of the sea', negative: '' },
      { prompt: 'Café crème on a table', negative: '' },
    ]);
    id = { castle, castleNight, dog, portrait, oil, accents };
  });

  test('all words must match, in either field, newest first', () => {
    expect(ids({ query: 'castle' })).toEqual([id.dog, id.castleNight, id.castle]);
    expect(ids({ query: 'castle hill' })).toEqual([id.castle]);
    expect(ids({ query: 'castle people' })).toEqual([id.castleNight]);
    expect(ids({ query: 'castle unicorn' })).toEqual([]);
  });

  test('"a phrase" matches the words in order', () => {
    expect(ids({ query: '"oil painting"' })).toEqual([id.oil]);
    expect(ids({ query: '"painting oil"' })).toEqual([]);
    expect(ids({ query: '"low quality" knight' })).toEqual([id.portrait]);
  });

  test('prefix* matches words that start so', () => {
    expect(ids({ query: 'cast*' })).toEqual([id.dog, id.castleNight, id.castle]);
    expect(ids({ query: 'kni*' })).toEqual([id.portrait]);
    expect(ids({ query: '"oil pai"*' })).toEqual([id.oil]);
  });

  test('-word excludes records that contain it in either field', () => {
    expect(ids({ query: 'castle -night' })).toEqual([id.dog, id.castle]);
    expect(ids({ query: 'castle -snow -hill' })).toEqual([id.castleNight]);
    expect(ids({ query: 'castle -"at night"' })).toEqual([id.dog, id.castle]);
    // Only exclusions: everything else.
    expect(ids({ query: '-castle' })).toEqual([id.accents, id.oil, id.portrait]);
  });

  test('case and accents are ignored; FTS5 syntax in the query is only text', () => {
    expect(ids({ query: 'CAFE creme' })).toEqual([id.accents]);
    expect(ids({ query: 'castle AND NOT OR (' })).toEqual([]);
    expect(ids({ query: 'NEAR(castle' })).toEqual([]);
    expect(() => list({ query: '"unbalanced' })).not.toThrow();
    expect(() => list({ query: '* - "" ^ :' })).not.toThrow();
  });

  test('records in the trash are not found', () => {
    t.gallery.delete([id.castle]);
    expect(ids({ query: 'castle' })).toEqual([id.dog, id.castleNight]);
    expect(ids({ query: 'castle', trash: true })).toEqual([id.castle]);
  });

  test('a changed prompt is found by its new words', () => {
    t.db.prepare('UPDATE generations SET prompt = ? WHERE id = ?').run('a lighthouse', id.castle);
    expect(ids({ query: 'lighthouse' })).toEqual([id.castle]);
    expect(ids({ query: 'hill' })).toEqual([]);
  });
});

describe('filters', () => {
  test('model, scheduler, size, dates, favorite, rating, init image, concept, source, board and tag', () => {
    const [a, b, c, d] = insertRows(t.db, [
      { modelName: 'alpha', scheduler: 'ddim', width: 512, height: 768, created: Date.UTC(2026, 0, 5) },
      { modelName: 'beta', modelHash: 'beef', scheduler: 'euler-a', initImage: 'gallery/inits/x.png', strength: 0.5 },
      {
        modelName: 'alpha',
        concepts: [{ trigger: '<cat-toy>', hash: 'c0ffee' }],
        source: 'a1111',
        created: Date.UTC(2026, 2, 1),
      },
      { modelName: 'gamma', created: Date.UTC(2026, 5, 1) },
    ]);
    t.gallery.update({ ids: [a, c], favorite: true });
    t.gallery.update({ ids: [c], rating: 4 });
    t.gallery.update({ ids: [d], rating: 2, addTags: ['Keeper'] });
    const board = t.gallery.boards.create('Moodboard');
    t.gallery.update({ ids: [b, d], addBoards: [board.id] });

    expect(ids({ model: 'alpha' })).toEqual([c, a]);
    expect(ids({ model: 'beef' })).toEqual([b]);
    expect(ids({ scheduler: 'ddim' })).toEqual([a]);
    expect(ids({ width: 512, height: 768 })).toEqual([a]);
    expect(ids({ from: '2026-01-05', to: Date.UTC(2026, 2, 2) })).toEqual([c, a]);
    expect(ids({ favorite: true })).toEqual([c, a]);
    expect(ids({ favorite: false })).toEqual([d, b]);
    expect(ids({ minRating: 3 })).toEqual([c]);
    expect(ids({ hasInitImage: true })).toEqual([b]);
    expect(ids({ concept: '<cat-toy>' })).toEqual([c]);
    expect(ids({ concept: 'c0ffee' })).toEqual([c]);
    expect(ids({ source: 'a1111' })).toEqual([c]);
    expect(ids({ board: 'moodboard' })).toEqual([d, b]);
    expect(ids({ board: board.id, model: 'gamma' })).toEqual([d]);
    expect(ids({ board: 'no such board' })).toEqual([]);
    expect(ids({ tag: 'keeper' })).toEqual([d]);
    expect(ids({ sort: 'rating' })).toEqual([c, d, b, a]);
    expect(ids({ sort: 'oldest' })).toEqual([a, b, c, d]);
  });
});

describe('keyset pagination', () => {
  test('pages cover every record once, in order, whatever is added or removed meanwhile', () => {
    const created = insertRows(
      t.db,
      Array.from({ length: 25 }, (_, i) => ({ prompt: `scene ${i}` })),
    );
    const seen: number[] = [];
    let page = list({ limit: 10 });
    seen.push(...page.items.map((r) => r.id));
    // Newer records arrive and one already seen goes to the trash: neither shifts the next pages.
    insertRows(t.db, [{ prompt: 'late arrival' }, { prompt: 'another' }]);
    t.gallery.delete([seen[0]]);
    while (page.nextCursor) {
      page = list({ limit: 10, cursor: page.nextCursor });
      seen.push(...page.items.map((r) => r.id));
    }
    expect(seen).toEqual([...created].reverse());
  });

  test('sorted by rating: best first, newest first within a rating, across pages', () => {
    const created = insertRows(
      t.db,
      Array.from({ length: 30 }, () => ({})),
    );
    created.forEach((id, i) => t.gallery.update({ ids: [id], rating: i % 6 === 0 ? null : i % 6 }));
    const want = created
      .map((id, i) => ({ id, rating: i % 6 }))
      .sort((x, y) => y.rating - x.rating || y.id - x.id)
      .map((r) => r.id);
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = list({ sort: 'rating', limit: 7, cursor });
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(want);
  });

  test('a cursor of another sort, or garbage, is refused', () => {
    insertRows(
      t.db,
      Array.from({ length: 3 }, () => ({})),
    );
    const page = list({ limit: 1 });
    expect(() => list({ sort: 'oldest', cursor: page.nextCursor! })).toThrow(/cursor/);
    expect(() => list({ cursor: 'drop table' })).toThrow(/cursor/);
  });
});
