import { describe, expect, test } from 'vitest';
import { galleryQuerySchema } from '../../src-main/shared/gallery';
import type { GalleryRecord } from '../../src-main/shared/gallery';
import {
  hasFacets,
  idsBetween,
  mergedNewest,
  noFacets,
  noFilters,
  replaced,
  showsEverythingNewestFirst,
  toQuery,
  without,
} from './gallery-query';

describe('the gallery filters as a contract query', () => {
  test('no filters: the newest first, outside the trash', () => {
    expect(toQuery(noFilters, 100)).toEqual({ sort: 'newest', limit: 100, trash: false });
  });

  test('every facet maps to its field, and the contract accepts the result', () => {
    const q = toQuery(
      {
        text: '  "red fox" -dog ',
        sort: 'rating',
        model: 'sd15',
        scheduler: 'euler-a',
        size: '768x512',
        from: '2026-01-02',
        to: '2026-01-02',
        mode: 'img2img',
        concept: 'cat-toy',
        favorite: true,
        minRating: 3,
        tag: ' keep ',
        board: 4,
        trash: true,
      },
      50,
      'rating.5.10',
    );
    expect(q).toEqual({
      sort: 'rating',
      limit: 50,
      trash: true,
      cursor: 'rating.5.10',
      query: '"red fox" -dog',
      model: 'sd15',
      scheduler: 'euler-a',
      width: 768,
      height: 512,
      from: new Date('2026-01-02T00:00:00').getTime(),
      // One whole local day: `to` is exclusive.
      to: new Date('2026-01-03T00:00:00').getTime(),
      hasInitImage: true,
      concept: 'cat-toy',
      favorite: true,
      minRating: 3,
      tag: 'keep',
      board: 4,
    });
    expect(galleryQuerySchema.safeParse(q).success).toBe(true);
  });

  test('txt2img asks for records without an init image; malformed dates are left out', () => {
    const q = toQuery({ ...noFilters, mode: 'txt2img', from: '2026-13', to: 'soon' }, 10);
    expect(q).toEqual({ sort: 'newest', limit: 10, trash: false, hasInitImage: false });
  });

  test('only the plain newest-first listing takes new images without asking', () => {
    expect(showsEverythingNewestFirst(noFilters)).toBe(true);
    expect(showsEverythingNewestFirst({ ...noFilters, text: '  ' })).toBe(true);
    expect(showsEverythingNewestFirst({ ...noFilters, text: 'cat' })).toBe(false);
    expect(showsEverythingNewestFirst({ ...noFilters, sort: 'oldest' })).toBe(false);
    expect(showsEverythingNewestFirst({ ...noFilters, trash: true })).toBe(false);
  });

  test('a range selection takes both ends, in either direction', () => {
    const ids = [50, 40, 30, 20, 10];
    expect(idsBetween(ids, 1, 3)).toEqual([40, 30, 20]);
    expect(idsBetween(ids, 3, 1)).toEqual([40, 30, 20]);
    expect(idsBetween(ids, 4, 4)).toEqual([10]);
  });
});

describe('live changes to a shown listing', () => {
  const record = (id: number, fields: Partial<GalleryRecord> = {}) =>
    ({ id, trashed: false, prompt: '', ...fields }) as GalleryRecord;

  test('arrivals take their places by id, once, never from the trash, and not past a partly loaded end', () => {
    const shown = [record(9), record(5), record(4)];
    const arrived = [record(10), record(5), record(7), record(8, { trashed: true }), record(2)];
    expect(mergedNewest(shown, arrived, true).map((r) => r.id)).toEqual([10, 9, 7, 5, 4, 2]);
    // Record 2 comes with the next page.
    expect(mergedNewest(shown, arrived, false).map((r) => r.id)).toEqual([10, 9, 7, 5, 4]);
  });

  test('a changed record takes its old place; removed ones leave', () => {
    const shown = [record(3), record(2), record(1)];
    expect(replaced(shown, [record(2, { prompt: 'changed' }), record(9)]).map((r) => [r.id, r.prompt])).toEqual([
      [3, ''],
      [2, 'changed'],
      [1, ''],
    ]);
    expect(without(shown, [2, 9]).map((r) => r.id)).toEqual([3, 1]);
  });
});

test('any facet counts as filtering; the search text, sort, board and trash do not', () => {
  expect(hasFacets(noFilters)).toBe(false);
  expect(hasFacets({ ...noFilters, text: 'cat', sort: 'oldest', board: 3, trash: true })).toBe(false);
  expect(hasFacets({ ...noFilters, favorite: true })).toBe(true);
  expect(hasFacets({ ...noFilters, minRating: 2 })).toBe(true);
  expect(hasFacets({ ...noFilters, ...noFacets, tag: 'keep' })).toBe(true);
});
