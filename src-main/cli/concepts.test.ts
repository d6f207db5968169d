// `studio concepts …` on a fresh data directory, with the bundled model for previews and vocabulary checks.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appRoot } from '../app-paths';
import type { ConceptInfo } from '../shared/concepts';
import { runCli } from './test-support/run-cli';

const fixtures = path.join(appRoot(), 'src-main', 'concepts', 'fixtures');
const heart = path.join(appRoot(), 'models', 'tiny-shapes', 'concepts', 'heart.safetensors');
const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-cli-concepts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...argv: string[]) => runCli(['concepts', ...argv, '--data', dir]);
const json = (r: { out: string[] }) => r.out.map((l) => JSON.parse(l) as ConceptInfo);

describe('studio concepts', () => {
  it('imports, lists, renames, disables, sets the role and removes', async () => {
    const imported = await run(
      'import',
      path.join(fixtures, 'tri-style.pt'),
      '--role',
      'negative',
      '--json',
      '--no-preview',
    );
    expect(imported.code, imported.error.join('\n')).toBe(0);
    expect(json(imported)[0]).toMatchObject({ trigger: 'tri-style', vectors: 3, width: 32, role: 'negative' });
    expect((await run('import', path.join(fixtures, 'learned_embeds.bin'), '--no-preview')).code).toBe(0);
    expect(json(await run('list', '--json')).map((c) => c.trigger)).toEqual(['<cat-toy>', 'tri-style']);
    expect(json(await run('rename', 'tri-style', 'my-style', '--json'))[0].trigger).toBe('my-style');
    const taken = await run('rename', 'my-style', '<CAT-TOY>');
    expect(taken.code).toBe(1);
    expect(taken.error.at(-1)).toMatch(/taken by another concept/);
    expect(json(await run('disable', 'my-style', '--json'))[0].enabled).toBe(false);
    expect(json(await run('role', 'my-style', 'positive', '--json'))[0].role).toBe('positive');
    expect((await run('remove', 'my-style')).code).toBe(0);
    expect(json(await run('list', '--json')).map((c) => c.trigger)).toEqual(['<cat-toy>']);
  });

  it('restores a removed concept from the trash, as it was', async () => {
    const imported = json(await run('import', path.join(fixtures, 'tri-style.pt'), '--json', '--no-preview'))[0];
    expect(json(await run('disable', 'tri-style', '--json'))[0].enabled).toBe(false);
    expect((await run('remove', imported.id.slice(0, 8))).code).toBe(0);
    expect(json(await run('list', '--json')).map((c) => c.trigger)).not.toContain('tri-style');
    const restored = await run('restore', 'TRI-STYLE', '--json');
    expect(restored.code, restored.error.join('\n')).toBe(0);
    expect(json(restored)[0]).toMatchObject({ id: imported.id, trigger: 'tri-style', enabled: false });
    expect(json(await run('list', '--json')).map((c) => c.trigger)).toContain('tri-style');
    const again = await run('restore', 'tri-style');
    expect(again.code).toBe(1);
    expect(again.error.at(-1)).toMatch(/no concept 'tri-style' in the trash/);
    expect((await run('restore')).code).toBe(2);
  });

  it('says in its help that remove moves to the trash and restore brings back', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    const text = help.out.join('\n');
    expect(text).toMatch(/remove REF\s+move it to the trash/);
    expect(text).toMatch(/restore REF\s+bring a removed concept back/);
    expect(text).not.toMatch(/delete it and its file/);
  });

  it('refuses bad files and bad usage with one-line messages', async () => {
    const planted = await run('import', path.join(fixtures, 'planted-system.pt'));
    expect(planted.code).toBe(1);
    expect(planted.error.at(-1)).toMatch(/^studio concepts: planted-system\.pt: pickle: refuses posix\.system/);
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('role', 'x', 'sideways')).code).toBe(2);
    expect((await run('enable', 'nothing-like-this')).error.at(-1)).toMatch(/no concept 'nothing-like-this'/);
  });

  it('makes a preview with the bundled model and refuses vocabulary words', async () => {
    const r = await run('import', heart, '--json');
    expect(r.code, r.error.join('\n')).toBe(0);
    const concept = json(r)[0];
    expect(concept.preview).toBe(`concepts/previews/${concept.id}.png`);
    expect(existsSync(path.join(dir, 'concepts', 'previews', `${concept.id}.png`))).toBe(true);
    const word = await run('rename', 'heart', 'red');
    expect(word.code).toBe(1);
    expect(word.error.at(-1)).toMatch(/a word the model already knows/);
  });
});
