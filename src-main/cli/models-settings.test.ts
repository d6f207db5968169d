// `studio models …` and `studio settings …` on a fresh data directory.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appRoot } from '../app-paths';
import { runCli } from './test-support/run-cli';

const fixtures = path.join(appRoot(), 'src-main', 'engine', 'test-fixtures', 'models');
const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-cli-models-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...argv: string[]) => runCli([...argv, '--data', path.join(dir, 'data')]);

describe('studio models', () => {
  it('lists, adds, sets the default and removes', async () => {
    const listed = await run('models', 'list', '--json');
    expect(listed.code, listed.error.join('\n')).toBe(0);
    expect(listed.out.map((l) => JSON.parse(l) as { name: string; default: boolean })).toEqual([
      expect.objectContaining({ name: 'tiny-shapes', default: true, kind: 'sd1' }),
    ]);
    const copy = path.join(dir, 'copy');
    cpSync(path.join(fixtures, 'tiny-sd'), copy, { recursive: true });
    const added = await run('models', 'add', copy);
    expect(added.code, added.error.join('\n')).toBe(0);
    expect(added.out[0]).toMatch(/^copy\tSD 1\.x, fp32, 64px, /);
    expect((await run('models', 'default', 'copy')).out).toContainEqual(
      expect.stringMatching(/^copy\timported\tdefault/),
    );
    expect((await run('settings', 'get', 'defaultModel')).out[0]).toMatch(/^imported:/);
    expect((await run('models', 'remove', 'copy')).out).toEqual(['forgot copy']);
    expect((await run('models', 'list')).out).toHaveLength(1);
  });

  it('says which models inpaint (a 9-channel UNet), in text and JSON', async () => {
    const inpaint = path.join(dir, 'inpaint');
    cpSync(path.join(fixtures, 'tiny-sd-inpaint'), inpaint, { recursive: true });
    const added = await run('models', 'add', inpaint);
    expect(added.code, added.error.join('\n')).toBe(0);
    expect(added.out[0]).toMatch(/^inpaint\tSD 1\.x, inpainting, fp32, /);
    const listed = (await run('models', 'list', '--json')).out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(listed.map((m) => [m.name, m.inpainting])).toEqual([
      ['tiny-shapes', false],
      ['inpaint', true],
    ]);
    expect((await run('models', 'list')).out.find((l) => l.startsWith('tiny-shapes'))).not.toMatch(/inpainting/);
    expect((await run('models', 'remove', 'inpaint')).code).toBe(0);
  });

  it('names the missing file of a broken folder and exits 1; bad usage exits 2', async () => {
    const broken = path.join(dir, 'broken');
    cpSync(path.join(fixtures, 'tiny-sd'), broken, { recursive: true });
    rmSync(path.join(broken, 'unet'), { recursive: true });
    const r = await run('models', 'add', broken);
    expect(r.code).toBe(1);
    expect(r.error.at(-1)).toMatch(/^studio models: .*broken is not a usable model folder: unet\/model\.onnx: missing/);
    expect((await run('models', 'frobnicate')).code).toBe(2);
    expect((await run('models', 'add')).code).toBe(2);
    expect((await run('models', 'list', '--delete-files')).error.at(-1)).toMatch(/--delete-files/);
  });
});

describe('studio settings', () => {
  it('gets and sets typed values', async () => {
    expect((await run('settings', 'set', 'theme', 'light')).code).toBe(0);
    expect((await run('settings', 'set', 'threads', '2')).code).toBe(0);
    expect((await run('settings', 'get', 'theme')).out).toEqual(['light']);
    const all = await run('settings', 'get', '--json');
    expect(JSON.parse(all.out[0])).toMatchObject({ theme: 'light', threads: 2, providers: 'auto' });
    expect((await run('settings', 'set', 'defaultScheduler', 'none')).code).toBe(0);
  });

  it('refuses unknown keys and mistyped values with exit 2, naming them', async () => {
    const unknown = await run('settings', 'set', 'colour', 'red');
    expect(unknown.code).toBe(2);
    expect(unknown.error[0]).toMatch(/unknown setting 'colour'/);
    const mistyped = await run('settings', 'set', 'threads', 'four');
    expect(mistyped.code).toBe(2);
    expect(mistyped.error[0]).toMatch(/setting threads: .*'four'/);
    expect((await run('settings', 'set', 'providers', 'tpu')).code).toBe(2);
    const model = await run('settings', 'set', 'defaultModel', 'nothing');
    expect(model.code).toBe(1);
    expect(model.error[0]).toMatch(/No model named nothing/);
  });
});
