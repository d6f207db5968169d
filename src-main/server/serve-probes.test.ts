// The issue's probes against the real `studio serve` process (dist-main/cli.js): GETs of directories with and without
// the token, traversal and NUL paths, deep and non-UTF-8 bodies, junk bytes, resets mid-upgrade. The process must
// neither exit nor stop serving the UI and the API.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appRoot } from '../app-paths';
import { rawExchange } from './test-support/probe-target';

const root = appRoot();
const work = mkdtempSync(path.join(os.tmpdir(), 'studio-serve-probes-'));
let child: ChildProcess;
let base = '';
let token = '';
let port = 0;
let stderr = '';

beforeAll(async () => {
  if (!existsSync(path.join(root, 'dist-main', 'cli.js'))) {
    const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--main', '--quiet']);
    if (build.status !== 0) throw new Error('building the CLI failed');
  }
  // An app root of its own: the built UI stand-in has an assets folder, whether or not the real UI is built.
  const appDir = path.join(work, 'app');
  mkdirSync(path.join(appDir, 'dist-renderer', 'assets'), { recursive: true });
  writeFileSync(path.join(appDir, 'package.json'), '{"version":"0.0.0-probe"}');
  writeFileSync(path.join(appDir, 'dist-renderer', 'index.html'), '<!doctype html><title>studio</title>');
  const dataDir = path.join(work, 'data');
  mkdirSync(path.join(dataDir, 'gallery'), { recursive: true });
  writeFileSync(path.join(work, 'secret.txt'), 'outside the data dir');
  symlinkSync(path.join(work, 'secret.txt'), path.join(dataDir, 'gallery', 'link.txt'));
  child = spawn(process.execPath, [path.join(root, 'dist-main', 'cli.js'), 'serve', '--data', dataDir], {
    env: { ...process.env, STUDIO_APP_ROOT: appDir, STUDIO_BUNDLED_MODELS: path.join(work, 'no-models') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  const parsed = new URL(url);
  token = parsed.searchParams.get('token')!;
  port = Number(parsed.port);
  base = `http://127.0.0.1:${port}`;
}, 30_000);

afterAll(() => {
  child?.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

it('survives every probe and still serves the UI and the API', async () => {
  const paths = [
    '/assets',
    '/assets/',
    '/media/gallery',
    '/media/',
    '/%2e%2e/secret.txt',
    '/media/..%2fsecret.txt',
    '/media/gallery/link.txt',
    '/media/%00',
    '/media/gallery%5c..%5c..%5csecret.txt',
    '/..%5csecret.txt',
  ];
  let sent = 0;
  let fiveHundreds = 0;
  const count = (status: number) => (sent++, status >= 500 && fiveHundreds++);
  for (const probe of paths) {
    for (const withToken of [false, true]) {
      const response = await fetch(`${base}${probe}${withToken ? `?token=${token}` : ''}`);
      count(response.status);
      expect(await response.text(), probe).not.toContain('outside the data dir');
    }
  }
  const auth = { Authorization: `Bearer ${token}` };
  for (const body of ['['.repeat(100_000) + ']'.repeat(100_000), Buffer.from([0xff, 0xfe, 0x7b]), '{', 'null']) {
    count((await fetch(`${base}/api/generate.submit`, { method: 'POST', headers: auth, body })).status);
  }
  for (const bytes of [
    '\x16\x03\x01junk\r\n\r\n',
    'GET http://[ HTTP/1.1\r\n\r\n',
    `GET /${'a'.repeat(70_000)} HTTP/1.1\r\n\r\n`,
  ]) {
    const reply = await rawExchange(port, bytes);
    count(Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0));
  }
  for (let i = 0; i < 5; i++) {
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          `GET /api/events?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
        );
        socket.resetAndDestroy();
      });
      socket.on('error', () => {});
      socket.on('close', () => resolve());
    });
    sent++;
  }
  expect(fiveHundreds).toBe(0);
  expect(sent).toBe(32);
  expect(child.exitCode).toBeNull();
  const page = await fetch(`${base}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<title>studio</title>');
  const info = await fetch(`${base}/api/system.info`, { method: 'POST', headers: auth });
  expect(info.status).toBe(200);
  expect(await info.json()).toMatchObject({ appVersion: '0.0.0-probe' });
  expect(stderr).not.toMatch(/unexpected error|unhandled promise rejection/);
}, 30_000);
