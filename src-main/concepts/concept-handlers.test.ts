// The concept methods the UI uses, through dispatch on a real studio: import with a preview from the chosen model,
// rename collisions, the trash with restore, and the concepts a finished job reports.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appRoot } from '../app-paths';
import type { ConceptInfo } from '../shared/concepts';
import type { ModelInfo } from '../shared/generation';
import { studioUnderTest } from '../test-support/studio-under-test';

const models = path.join(appRoot(), 'models');
const fixtures = path.join(import.meta.dirname, 'fixtures');
const { studio, dataDir, call, close, ...jobs } = studioUnderTest('concept-handlers');
afterAll(close);

const base64Of = (file: string) => readFileSync(file).toString('base64');
const generate = (prompt: string) => jobs.generate({ prompt, seed: '7', steps: 3 });

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
