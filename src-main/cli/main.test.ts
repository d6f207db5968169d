import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { main } from './main';
import { captureIo } from './test-support/run-cli';

it('lists the commands with --help', async () => {
  const c = captureIo();
  expect(await main(['--help'], c.io)).toBe(0);
  expect(c.out.join('\n')).toMatch(/serve/);
});

it('shows a command help', async () => {
  const c = captureIo();
  expect(await main(['serve', '--help'], c.io)).toBe(0);
  expect(c.out.join('\n')).toContain('--port N');
});

it.each([
  [['serve', '--bogus'], /^studio serve: unknown option --bogus$/],
  [['serve', '--port', 'abc'], /^studio serve: option --port must be a whole number, got 'abc'$/],
  [['serve', '--port', '70000'], /^studio serve: option --port must be between 0 and 65535$/],
  [['serve', '--port'], /^studio serve: option --port needs a value$/],
  [['serve', 'extra'], /^studio serve: unexpected argument 'extra'$/],
  [['paint'], /^studio: unknown command 'paint'/],
])('exits 2 with one line for %j', async (argv, message) => {
  const c = captureIo();
  expect(await main(argv, c.io)).toBe(2);
  expect(c.error).toHaveLength(1);
  expect(c.error[0]).toMatch(message);
});

it('serve prints one URL line on stdout', async () => {
  const data = mkdtempSync(path.join(os.tmpdir(), 'studio-cli-'));
  const c = captureIo();
  const stop = await main(['serve', '--data', data], c.io);
  expect(typeof stop).toBe('function');
  expect(c.out).toHaveLength(1);
  expect(c.out[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=\S+$/);
  if (typeof stop === 'function') await stop();
  rmSync(data, { recursive: true, force: true });
});
