// The concept methods the UI uses, through dispatch on a real studio: import with a preview from the chosen model,
// rename collisions, the trash with restore, and the concepts a finished job reports.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import { appRoot } from '../app-paths';
import type { ConceptInfo } from '../shared/concepts';
import type { Events } from '../shared/contract';
import type { ModelInfo } from '../shared/generation';
import { createStudio } from '../studio';

const models = path.join(appRoot(), 'models');
const fixtures = path.join(import.meta.dirname, 'fixtures');
const dataDir = mkdtempSync(path.join(tmpdir(), 'studio-concept-handlers-'));
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

async function call<R>(method: string, input: unknown): Promise<R> {
  const outcome = await dispatch(studio.handlers, method, input);
  if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code });
  return outcome.result as R;
}

const base64Of = (file: string) => readFileSync(file).toString('base64');

async function generate(prompt: string): Promise<Events['job.done']> {
  let jobId = '';
  const done = new Promise<Events['job.done']>((resolve, reject) => {
    studio.events.subscribe((event, payload) => {
      if ((payload as { jobId?: string }).jobId !== jobId) return;
      if (event === 'job.done') resolve(payload as Events['job.done']);
      if (event === 'job.failed') reject(new Error(JSON.stringify(payload)));
    });
  });
  jobId = (await call<{ jobId: string }>('generate.submit', { prompt, seed: '7', steps: 3 })).jobId;
  return done;
}

describe('concept handlers', () => {
  let heart: ConceptInfo;

  it('imports a file with a preview rendered by the chosen model, whose text width it matches', async () => {
    const [model] = studio.models.list();
    heart = await call<ConceptInfo>('concepts.import', {
      name: 'heart.safetensors',
      base64: base64Of(path.join(models, 'tiny-shapes', 'concepts', 'heart.safetensors')),
      model: model.id,
    });
    expect(heart).toMatchObject({ trigger: 'heart', enabled: true, role: 'positive' });
    expect(heart.preview).toBe(`concepts/previews/${heart.id}.png`);
    expect(existsSync(path.join(dataDir, 'concepts', 'previews', `${heart.id}.png`))).toBe(true);
    const info = await call<ModelInfo>('models.describe', { model: model.id });
    expect(info.textWidth).toBe(heart.width);
  }, 60_000);

  it('reports the concepts a job used with job.done, and none once the concept is disabled', async () => {
    expect((await generate('a red heart')).concepts).toEqual([{ trigger: 'heart', hash: heart.id }]);
    expect((await call<ConceptInfo>('concepts.disable', { id: heart.id })).enabled).toBe(false);
    expect((await generate('a red heart')).concepts).toEqual([]);
    await call('concepts.enable', { id: heart.id });
  }, 60_000);

  it('refuses a rename onto a taken trigger with conflict and a clear message', async () => {
    const other = await call<ConceptInfo>('concepts.import', {
      name: 'tri-style.pt',
      base64: base64Of(path.join(fixtures, 'tri-style.pt')),
    });
    await expect(call('concepts.rename', { id: other.id, trigger: 'HEART' })).rejects.toMatchObject({
      code: 'conflict',
      message: 'the trigger "HEART" is taken by another concept',
    });
    await call('concepts.delete', { id: other.id });
  });

  it('deletes to a trash and restores with the same trigger, state and preview', async () => {
    await call('concepts.disable', { id: heart.id });
    expect(await call('concepts.delete', { id: heart.id })).toEqual({ deleted: true });
    expect((await call<ConceptInfo[]>('concepts.list', {})).map((c) => c.trigger)).toEqual([]);
    expect(existsSync(path.join(dataDir, 'concepts', `${heart.id}.safetensors`))).toBe(false);
    const restored = await call<ConceptInfo>('concepts.restore', { id: heart.id });
    expect(restored).toEqual({ ...heart, enabled: false });
    expect(existsSync(path.join(dataDir, 'concepts', `${heart.id}.safetensors`))).toBe(true);
    await expect(call('concepts.restore', { id: heart.id })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses to restore onto a trigger taken meanwhile', async () => {
    const tri = await call<ConceptInfo>('concepts.import', {
      name: 'tri-style.pt',
      base64: base64Of(path.join(fixtures, 'tri-style.pt')),
    });
    await call('concepts.delete', { id: tri.id });
    await call('concepts.import', {
      name: 'bf-style.safetensors',
      base64: base64Of(path.join(fixtures, 'bf-style.safetensors')),
      trigger: 'tri-style',
    });
    await expect(call('concepts.restore', { id: tri.id })).rejects.toMatchObject({
      code: 'conflict',
      message: 'the trigger "tri-style" is taken by another concept: rename that one first',
    });
    await expect(call('concepts.restore', { id: 'x' })).rejects.toMatchObject({ code: 'invalid_input' });
  });
});

it('runs jobs whose prompts do not call an enabled concept made for another model', async () => {
  const tri = await call<ConceptInfo>('concepts.import', {
    name: 'narrow.pt',
    base64: base64Of(path.join(fixtures, 'half-style.pt')),
  });
  expect(tri.enabled).toBe(true);
  expect((await generate('a red circle')).concepts).toEqual([]);
  await expect(generate('a red narrow')).rejects.toThrow(/not compatible with this model/);
}, 60_000);
