// A concept from the library, used by its trigger in the app: the job's images are recorded with it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { appRoot } from '../app-paths';
import { studioUnderTest } from '../test-support/studio-under-test';

const models = path.join(appRoot(), 'models');
const { call: callFor, close, ...jobs } = studioUnderTest('concepts-gallery');
afterAll(close);

const call = (method: string, input: unknown) => callFor<never>(method, input);
const generate = (prompt: string) => jobs.generate({ prompt, seed: '500', steps: 4 });

it('records the concepts a prompt uses with its images, and only those', async () => {
  const file = path.join(models, 'tiny-shapes', 'concepts', 'heart.safetensors');
  const base64 = readFileSync(file).toString('base64');
  const concept = (await call('concepts.import', { name: 'heart.safetensors', base64 })) as {
    id: string;
    trigger: string;
  };
  expect(concept.trigger).toBe('heart');

  const withHeart = await generate('a red heart');
  const detail = ((await call('gallery.get', { id: withHeart.images[0].id })) as { record: { concepts: unknown } })
    .record;
  expect(detail.concepts).toEqual([{ trigger: 'heart', hash: concept.id }]);

  const without = await generate('a red circle');
  const plain = ((await call('gallery.get', { id: without.images[0].id })) as { record: { concepts: unknown } }).record;
  expect(plain.concepts).toEqual([]);
}, 60_000);
