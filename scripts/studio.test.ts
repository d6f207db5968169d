// The launcher behind `npm run -s studio` and the package's `studio` bin, on a copy of the sources with no build:
// concurrent first runs share one build, later runs start without building, and a source edit rebuilds.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const copy = mkdtempSync(path.join(tmpdir(), 'studio-launcher-'));
const stamp = path.join(copy, 'dist-main', '.build-stamp');

beforeAll(() => {
  for (const entry of ['src-main', 'scripts', 'package.json', 'tsconfig.base.json']) {
    cpSync(path.join(root, entry), path.join(copy, entry), {
      recursive: true,
      filter: (source) => !source.includes(`${path.sep}test-fixtures`),
    });
  }
  symlinkSync(realpathSync(path.join(root, 'node_modules')), path.join(copy, 'node_modules'), 'junction');
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));

function run(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // npm is a .cmd script on Windows, which only a shell starts.
  const child = spawn(command, args, { cwd: copy, shell: process.platform === 'win32' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
const help = () => run('npm', ['run', '-s', 'studio', '--', '--help']);

test('two first runs at once both succeed on one build, with nothing left behind', async () => {
  expect(existsSync(path.join(copy, 'dist-main'))).toBe(false);
  const runs = await Promise.all([help(), help()]);
  for (const r of runs) {
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Diffusion Studio command line/);
  }
  expect(existsSync(stamp)).toBe(true);
  expect(readdirSync(copy).filter((name) => name.startsWith('.'))).toEqual([]);
}, 120_000);

test('a later run does not build; a changed source rebuilds', async () => {
  const built = statSync(stamp).mtimeMs;
  expect((await help()).code).toBe(0);
  expect(statSync(stamp).mtimeMs).toBe(built);

  const later = new Date(Date.now() + 5_000);
  utimesSync(path.join(copy, 'src-main', 'cli', 'main.ts'), later, later);
  expect((await help()).code).toBe(0);
  expect(statSync(stamp).mtimeMs).toBeGreaterThan(built);
}, 120_000);

test('a lock left by a build that died does not block the next one', async () => {
  const exited = spawn(process.execPath, ['-e', '']);
  const deadPid = await new Promise<number>((resolve) => exited.on('close', () => resolve(exited.pid!)));
  const lock = path.join(copy, '.build-lock');
  mkdirSync(lock);
  writeFileSync(path.join(lock, 'owner.json'), JSON.stringify({ pid: deadPid, host: hostname(), since: Date.now() }));
  mkdirSync(path.join(copy, '.dist-main-staging-half'));

  const r = await run(process.execPath, ['scripts/build.mjs', '--main', '--quiet']);
  expect(r.code, r.stderr).toBe(0);
  expect(readdirSync(copy).filter((name) => name.startsWith('.'))).toEqual([]);
}, 120_000);
