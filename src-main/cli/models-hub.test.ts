// `studio models download` and `studio models export` against a local server that answers like the Hub.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from '../app-paths';
import { deadEndpoint, repoFromFolder, startFakeHub, type FakeHub } from '../models/hub/test-support/fake-hub';
import { runCli } from './test-support/run-cli';

const tinySd = path.join(appRoot(), 'src-main', 'engine', 'test-fixtures', 'models', 'tiny-sd');
const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-cli-hub-'));
let hub: FakeHub;

const run = (...argv: string[]) => runCli([...argv, '--data', path.join(dir, 'data')]);

beforeAll(async () => {
  hub = await startFakeHub();
  hub.repos.set('studio/tiny-sd-onnx', repoFromFolder(tinySd, 'c'.repeat(40)));
});
afterAll(async () => {
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('studio models download / export', () => {
  it('downloads into the data directory with progress on stderr, then exports it', async () => {
    expect((await run('settings', 'set', 'hubEndpoint', hub.endpoint)).code).toBe(0);
    const got = await run('models', 'download', 'studio/tiny-sd-onnx', '--name', 'tiny', '--json');
    expect(got.code, got.error.join('\n')).toBe(0);
    expect(JSON.parse(got.out[0])).toEqual({
      id: 'user:tiny',
      name: 'tiny',
      repo: 'studio/tiny-sd-onnx',
      commit: 'c'.repeat(40),
    });
    expect(got.error[0]).toMatch(/^studio\/tiny-sd-onnx@cccccccccc: 14 files, 0\.\d MiB$/);
    expect(got.error.at(-1)).toMatch(/^download 14\/14 files/);
    expect((await run('models', 'list')).out.some((l) => l.startsWith('tiny\t'))).toBe(true);

    const target = path.join(dir, 'exported');
    const exported = await run('models', 'export', 'tiny', target);
    expect(exported.code, exported.error.join('\n')).toBe(0);
    expect(exported.out).toEqual([`exported tiny to ${target} (16 files)`]);
    expect(readdirSync(target)).toContain('studio.json');
    const again = await run('models', 'export', 'tiny', target);
    expect(again).toMatchObject({
      code: 1,
      error: [`studio models: ${target} is not empty: export into a new or empty folder`],
    });
  }, 60_000);

  it('says why a download cannot start, in one line', async () => {
    expect(await run('models', 'download', 'nobody/nothing')).toMatchObject({
      code: 1,
      error: [
        `studio models: nobody/nothing: no such repository on ${hub.endpoint} (or it is private: set HF_TOKEN to a token with access)`,
      ],
    });
    expect((await run('models', 'download', 'a/../b')).code).toBe(2);
    expect((await run('models', 'download', 'a/b', '--name', '../x')).error[0]).toMatch(/^studio models: --name: /);
    expect((await run('models', 'list', '--revision', 'x')).code).toBe(2);
    expect(await run('settings', 'set', 'hubEndpoint', 'ftp://mirror')).toMatchObject({
      code: 2,
      error: [
        "studio settings: setting hubEndpoint: the Hub endpoint must be an http:// or https:// URL, got 'ftp://mirror'",
      ],
    });
    const offline = await deadEndpoint();
    await run('settings', 'set', 'hubEndpoint', offline);
    expect(await run('models', 'download', 'studio/tiny-sd-onnx', '--name', 'other')).toMatchObject({
      code: 1,
      error: [`studio models: cannot reach ${offline}: connection refused (ECONNREFUSED)`],
    });
    expect(existsSync(path.join(dir, 'data', 'models', 'other'))).toBe(false);
  });
});
