// gallery.count and gallery.facets, through the contract's dispatch as either transport calls them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dispatch } from '../api/dispatch';
import { createStudio, type Studio } from '../studio';
import { newRow } from './test-support/rows';

describe('gallery.count and gallery.facets', () => {
  let studio: Studio;
  let dataDir: string;
  let ids: number[];

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'studio-facets-'));
    studio = createStudio({
      dataDir,
      appVersion: '0.0.0',
      bundledModelsDir: path.join(dataDir, 'no-models'),
      engineMode: 'inline',
      checkGallery: false,
    });
    ids = studio.gallery.bulkInsert([
      newRow({ prompt: 'a red castle', modelName: 'sd15', scheduler: 'euler', width: 512, height: 512 }),
      newRow({ prompt: 'a blue castle', modelName: 'sd15', scheduler: 'ddim', width: 768, height: 512 }),
      newRow({
        prompt: 'a fox',
        negative: 'castle',
        modelName: 'tiny',
        scheduler: 'euler',
        width: 512,
        height: 512,
        strength: 0.6,
        initImage: 'gallery/inits/one.png',
        concepts: [{ trigger: 'cat-toy', hash: 'c0ffee' }],
      }),
      newRow({ prompt: 'trashed castle', modelName: 'tiny', scheduler: 'euler' }),
    ]);
    studio.gallery.update({ ids: [ids[0]], favorite: true, rating: 4, addTags: ['keep'] });
    studio.gallery.delete([ids[3]]);
  });
  afterAll(async () => {
    await studio.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (method: string, input: unknown) => dispatch(studio.handlers, method, input);

  test('count follows the same filters as list, search syntax included', async () => {
    const count = async (query: object) => {
      const outcome = await call('gallery.count', query);
      if (!outcome.ok) throw new Error(outcome.error.message);
      return (outcome.result as { count: number }).count;
    };
    expect(await count({})).toBe(3);
    expect(await count({ query: 'castle' })).toBe(3); // the fox's negative prompt names a castle
    expect(await count({ query: 'castle -fox' })).toBe(2);
    expect(await count({ query: 'trashed' })).toBe(0);
    expect(await count({ query: 'trashed', trash: true })).toBe(1);
    expect(await count({ model: 'sd15' })).toBe(2);
    expect(await count({ hasInitImage: true })).toBe(1);
    expect(await count({ favorite: true })).toBe(1);
    expect(await count({ minRating: 3, sort: 'rating' })).toBe(1);
    expect(await count({ tag: 'keep' })).toBe(1);
    expect(await count({ tag: 'nobody-used-this' })).toBe(0);
    expect(await count({ trash: true })).toBe(1);
    // Cursor and limit are the page's business: the count is of the whole listing.
    expect(await count({ limit: 1 })).toBe(3);
  });

  test('count refuses what list refuses', async () => {
    const outcome = await call('gallery.count', { width: 'wide' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await call('gallery.count', { nonsense: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  test('facets list the values in use outside the trash, with counts', async () => {
    const outcome = await call('gallery.facets', {});
    expect(outcome.ok).toBe(true);
    expect(outcome.ok && outcome.result).toEqual({
      models: [
        { value: 'sd15', count: 2 },
        { value: 'tiny', count: 1 },
      ],
      schedulers: [
        { value: 'euler', count: 2 },
        { value: 'ddim', count: 1 },
      ],
      sizes: [
        { width: 512, height: 512, count: 2 },
        { width: 768, height: 512, count: 1 },
      ],
      concepts: [{ value: 'cat-toy', count: 1 }],
      tags: [{ value: 'keep', count: 1 }],
      txt2img: 2,
      img2img: 1,
      favorites: 1,
      trash: 1,
    });
    expect(await call('gallery.facets', { extra: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });
});
