// A concept from the library, used by its trigger in the app: the job's images are recorded with it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import { appRoot } from '../app-paths';
import type { Events } from '../shared/contract';
import { createStudio } from '../studio';

const models = path.join(appRoot(), 'models');
const dataDir = mkdtempSync(path.join(tmpdir(), 'studio-concepts-gallery-'));
const studio = createStudio({
  dataDir,
  appVersion: '0.0.0',
  bundledModelsDir: models,
  engineMode: 'inline',
  threads: 1,
});
afterAll(async () => {
  await studio.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(method: string, input: unknown): Promise<never> {
  const outcome = await dispatch(studio.handlers, method, input);
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
  return outcome.result as never;
}

async function generate(prompt: string): Promise<Events['job.done']> {
  let jobId = '';
  const done = new Promise<Events['job.done']>((resolve, reject) => {
    studio.events.subscribe((event, payload) => {
      if ((payload as { jobId?: string }).jobId !== jobId) return;
      if (event === 'job.done') resolve(payload as Events['job.done']);
      if (event === 'job.failed') reject(new Error(JSON.stringify(payload)));
    });
  });
  jobId = ((await call('generate.submit', { prompt, seed: '500', steps: 4 })) as { jobId: string }).jobId;
  return done;
}

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
