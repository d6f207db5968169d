// No paths across the boundary: a model's folder named in an engine error reaches a view as the model's name,
// and the data directory as <data>; the message still says what is wrong.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { dispatch } from '../api/dispatch';
import { createStudio } from '../studio';

const work = mkdtempSync(path.join(tmpdir(), 'studio-error-paths-'));
const bundled = path.join(work, 'bundled');
const brokenDir = path.join(bundled, 'broken-model');
mkdirSync(brokenDir, { recursive: true });
// A diffusers layout that names its parts but has none of their files.
writeFileSync(
  path.join(brokenDir, 'model_index.json'),
  JSON.stringify({ _class_name: 'OnnxStableDiffusionPipeline', unet: ['diffusers', 'OnnxRuntimeModel'] }),
);
const studio = createStudio({
  dataDir: path.join(work, 'data'),
  appVersion: '0.0.0',
  bundledModelsDir: bundled,
  engineMode: 'inline',
});
afterAll(async () => {
  await studio.close();
  rmSync(work, { recursive: true, force: true });
});

test('a broken model folder is reported by its name, never by its path', async () => {
  const models = await dispatch(studio.handlers, 'models.list', {});
  expect(models.ok).toBe(true);
  const model = (models as { result: { id: string; name: string }[] }).result.find((m) => m.name === 'broken-model');
  expect(model).toBeDefined();

  const outcome = await dispatch(studio.handlers, 'models.describe', { model: model!.id });
  expect(outcome.ok).toBe(false);
  const { code, message } = (outcome as { error: { code: string; message: string } }).error;
  expect(code).toBe('model_invalid');
  expect(message).toContain('broken-model');
  expect(message).not.toContain(work);
  expect(message).not.toContain(brokenDir);
});
