// `studio models import FILE`: a single-file checkpoint becomes a model of the data directory, then generates.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appRoot } from '../app-paths';
import { runCli } from './test-support/run-cli';

const root = appRoot();
const checkpoint = path.join(root, 'src-main', 'models', 'checkpoint', 'fixtures', 'tiny-ldm.safetensors');
const config = path.join(root, 'src-main', 'engine', 'test-fixtures', 'models', 'tiny-sd');
const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-cli-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...argv: string[]) => runCli([...argv, '--data', path.join(dir, 'data')]);

describe('studio models import', () => {
  it('imports with --config and --name, reports progress on stderr, and the model generates', async () => {
    const r = await run('models', 'import', checkpoint, '--config', config, '--name', 'tiny-import', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out[0])).toMatchObject({ name: 'tiny-import', kind: 'sd1', problems: [], source: 'data' });
    expect(r.error).toContain('import unet 50%');
    expect(r.error.at(-1)).toBe('import checking 100%');
    const out = path.join(dir, 'x.png');
    const g = await run('generate', '--model', 'tiny-import', '--prompt', 'a red circle', '--steps', '3', '--out', out);
    expect(g.code).toBe(0);
  });

  it('refuses a second model of the same name, and says why a checkpoint cannot be imported', async () => {
    const again = await run('models', 'import', checkpoint, '--config', config, '--name', 'tiny-import');
    expect([again.code, again.error.at(-1)]).toEqual([
      1,
      'studio models: a model named tiny-import already exists; choose another with --name',
    ]);
    const noConfig = await run('models', 'import', checkpoint);
    expect(noConfig.code).toBe(1);
    expect(noConfig.error.at(-1)).toMatch(/do not split into 32 groups; name the model's config with --config/);
    expect((await run('models', 'list')).out).toHaveLength(2);
    expect((await run('models', 'add', dir, '--fp16')).code).toBe(2);
  });
});
