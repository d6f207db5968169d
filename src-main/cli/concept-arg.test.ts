// `studio generate --concept FILE` as a person runs it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appRoot } from '../app-paths';
import { decodePngRgb } from '../formats/png/png-metadata';
import { analyseShapes } from '../../tools/model-eval/shape-analysis';
import { runCli } from './test-support/run-cli';

const root = appRoot();
const tinySd = path.join(root, 'src-main', 'engine', 'test-fixtures', 'models', 'tiny-sd');
const fixtures = path.join(root, 'src-main', 'concepts', 'fixtures');
const heart = path.join(root, 'models', 'tiny-shapes', 'concepts', 'heart.safetensors');
const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-cli-concept-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const generate = (out: string, ...extra: string[]) =>
  runCli([
    'generate',
    '--model',
    tinySd,
    '--prompt',
    'a tri-style red cat',
    '--steps',
    '2',
    '--seed',
    '7',
    '--data',
    dir,
    '--out',
    path.join(dir, out),
    ...extra,
  ]);
const pixels = (file: string) => decodePngRgb(readFileSync(path.join(dir, file))).rgb;

describe('studio generate --concept', () => {
  it('uses the embedding for its trigger word', async () => {
    expect((await generate('plain.png')).code).toBe(0);
    const withConcept = await generate('concept.png', '--concept', path.join(fixtures, 'tri-style.pt'));
    expect(withConcept.code, withConcept.error.join('\n')).toBe(0);
    expect(Buffer.from(pixels('plain.png')).equals(Buffer.from(pixels('concept.png')))).toBe(false);
  });

  it.each([
    ['planted-system.pt', /refuses posix\.system/],
    ['sdxl.safetensors', /SDXL embeddings need an SDXL model/],
    ['missing.pt', /cannot read the concept \(ENOENT\)/],
  ])('exits 1 for %s', async (file, message) => {
    const r = await generate('x.png', '--concept', path.join(fixtures, file));
    expect(r.code).toBe(1);
    expect(r.error.at(-1)).toMatch(message);
  });

  it('exits 1 for a concept of another width', async () => {
    const r = await generate('x.png', '--concept', heart);
    expect(r.code).toBe(1);
    expect(r.error.at(-1)).toMatch(/"heart" has 256-wide vectors; .* not compatible with this model/);
  });

  it('draws a red object for "a red heart" with the bundled model and heart', async () => {
    const model = path.join(root, 'models', 'tiny-shapes');
    const out = path.join(dir, 'heart.png');
    const r = await runCli([
      'generate',
      '--model',
      model,
      '--concept',
      heart,
      '--prompt',
      'a red heart',
      '--seed',
      '504',
      '--data',
      dir,
      '--out',
      out,
    ]);
    expect(r.code, r.error.join('\n')).toBe(0);
    const image = decodePngRgb(readFileSync(out));
    expect(analyseShapes(image).objects[0]).toMatchObject({ color: 'red' });
  });
});
