// A real child process throws from a timer and leaves a promise rejected: with the guard it logs both, with their
// stacks, and keeps running; without it the same script dies.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, expect, it } from 'vitest';

const work = mkdtempSync(path.join(tmpdir(), 'process-guard-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function runChild(guarded: boolean) {
  const outfile = path.join(work, `child-${guarded}.mjs`);
  await build({
    stdin: {
      contents: `
        import { installProcessGuard } from ${JSON.stringify(path.join(import.meta.dirname, 'process-guard.ts'))};
        if (${guarded}) installProcessGuard({ name: 'probe', log: (m) => process.stderr.write(m + '\\n') });
        setTimeout(() => { throw new Error('thrown from a timer'); }, 0);
        void Promise.reject(new Error('rejected promise'));
        setTimeout(() => console.log('still serving'), 100);
      `,
      resolveDir: import.meta.dirname,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'error',
  });
  return spawnSync(process.execPath, [outfile], { encoding: 'utf8', timeout: 10_000 });
}

it('logs an uncaught exception and an unhandled rejection with context, and keeps the process running', async () => {
  const child = await runChild(true);
  expect(child.status).toBe(0);
  expect(child.stdout.trim()).toBe('still serving');
  expect(child.stderr).toMatch(
    /probe: unexpected error \(uncaughtException\), still serving: Error: thrown from a timer\n\s+at /,
  );
  expect(child.stderr).toMatch(/probe: unhandled promise rejection, still serving: Error: rejected promise\n\s+at /);
});

it('is what keeps it running: the same script without the guard dies', async () => {
  const child = await runChild(false);
  expect(child.status).not.toBe(0);
  expect(child.stdout).not.toContain('still serving');
});
