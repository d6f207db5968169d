// `studio gallery …` and `generate --save` as cli.md's gallery section says.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { testModelDir } from '../../gallery/test-support/test-model';
import { a1111Text, pngWithText } from '../../gallery/test-support/foreign-png';
import { main } from '../main';

const work = mkdtempSync(path.join(tmpdir(), 'studio-gallery-cli-'));
const data = path.join(work, 'data');
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const out: string[] = [];
  const error: string[] = [];
  const code = await main([...argv, '--data', data], { out: (l) => out.push(l), error: (l) => error.push(l) });
  return { code, out, error, json: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

test('usage errors name the subcommand and the option, and exit 2', async () => {
  expect(await run('gallery')).toMatchObject({
    code: 2,
    error: [expect.stringMatching(/^studio gallery: missing subcommand/)],
  });
  expect(await run('gallery', 'paint')).toMatchObject({
    code: 2,
    error: [expect.stringMatching(/unknown subcommand 'paint'/)],
  });
  expect(await run('gallery', 'list', '--limit', 'x')).toMatchObject({
    code: 2,
    error: ["studio gallery list: option --limit must be a whole number, got 'x'"],
  });
  // Checked by the contract's gallery.search schema, as HTTP and IPC check it.
  expect(await run('gallery', 'search', 'red', '--model', '')).toMatchObject({
    code: 2,
    error: [expect.stringMatching(/^studio gallery search: option --model /)],
  });
  expect(await run('gallery', 'show', 'abc')).toMatchObject({
    code: 2,
    error: ["studio gallery show: 'abc' is not a gallery id"],
  });
  expect(await run('gallery', 'export', '1')).toMatchObject({
    code: 2,
    error: ['studio gallery export: option --to is required'],
  });
  expect(await run('gallery', 'show', '999')).toMatchObject({
    code: 1,
    error: ['studio gallery: No record 999 in the gallery'],
  });
});

test('import a folder: records on stdout, a summary object last; failures named on stderr', async () => {
  const folder = path.join(work, 'incoming');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder);
  writeFileSync(path.join(folder, 'fox.png'), pngWithText({ parameters: a1111Text }));
  writeFileSync(path.join(folder, 'broken.png'), 'nope');
  const r = await run('gallery', 'import', folder, '--json');
  expect(r.code).toBe(0);
  const lines = r.json();
  expect(lines.at(-1)).toEqual({ imported: 1, skipped: 0, failed: [{ file: 'broken.png', error: 'not a PNG file' }] });
  expect(lines[0]).toMatchObject({
    source: 'a1111',
    scheduler: 'dpmpp-2m-karras',
    seed: '3141592653',
    strength: null,
    parent: null,
  });
  expect(existsSync(lines[0].path as string)).toBe(true);
  expect(r.error).toEqual(['studio gallery import: broken.png: not a PNG file']);
  expect((await run('gallery', 'import', folder)).out).toEqual([
    'imported 0, skipped 1 (already in the gallery), failed 1',
  ]);
});

describe(`with a model (${path.basename(testModelDir)})`, () => {
  test('generate --save, list, search, show, reproduce, export, delete, restore, empty-trash', async () => {
    const gen = await run(
      'generate',
      '--model',
      testModelDir,
      '--prompt',
      'a red circle',
      '--seed',
      '11',
      '--steps',
      '3',
      '--batch',
      '2',
      '--width',
      '64',
      '--height',
      '64',
      '--save',
      '--json',
    );
    expect(gen.code).toBe(0);
    const images = gen.json();
    expect(images.map((i) => typeof i.id)).toEqual(['number', 'number']);
    expect(existsSync(images[0].path as string)).toBe(true);
    const [first, second] = images.map((i) => i.id as number);

    const list = await run('gallery', 'list', '--json');
    const records = list.json();
    expect(records.slice(0, 2).map((r) => r.id)).toEqual([second, first]);
    for (const key of [
      'id',
      'created',
      'prompt',
      'negative',
      'seed',
      'steps',
      'guidance',
      'scheduler',
      'width',
      'height',
      'model',
      'strength',
      'parent',
      'path',
      'source',
    ]) {
      expect(records[0]).toHaveProperty(key);
    }
    expect(records[0]).toMatchObject({ source: 'studio', seed: '11', steps: 3, strength: null, parent: null });
    expect(
      (await run('gallery', 'list', '--offset-id', `"${second}"`, '--limit', '1', '--json')).json().map((r) => r.id),
    ).toEqual([first]);
    expect(
      (await run('gallery', 'search', 'red -blue', '--model', path.basename(testModelDir), '--json'))
        .json()
        .map((r) => r.id),
    ).toEqual([second, first]);
    expect((await run('gallery', 'search', 'red', '--favorite', '--json')).out).toEqual([]);
    expect((await run('gallery', 'show', String(first), '--json')).json()[0]).toMatchObject({
      id: first,
      ancestors: [],
      children: [],
    });

    const out = path.join(work, 'again.png');
    const reproduced = await run(
      'gallery',
      'reproduce',
      String(second),
      '--model',
      testModelDir,
      '--out',
      out,
      '--json',
    );
    expect(reproduced.error.filter((l) => !l.includes('step'))).toEqual([]);
    expect(reproduced.json()).toEqual([{ id: second, identical: true, max_diff: 0, path: out }]);
    expect(readFileSync(out).length).toBeGreaterThan(0);

    const exported = await run('gallery', 'export', String(first), String(second), '--to', path.join(work, 'export'));
    expect(exported.out.map((f) => path.basename(f))).toEqual([
      expect.stringMatching(`^${first}-`),
      expect.stringMatching(`^${second}-`),
      'manifest.json',
    ]);

    expect((await run('gallery', 'delete', String(first))).out).toEqual([String(first)]);
    expect((await run('gallery', 'list', '--trash', '--json')).json().map((r) => r.id)).toEqual([first]);
    expect((await run('gallery', 'restore', String(first))).out).toEqual([String(first)]);
    await run('gallery', 'delete', String(first));
    expect((await run('gallery', 'empty-trash')).out).toEqual([String(first)]);
    expect(existsSync(images[0].path as string)).toBe(false);
  });
});
