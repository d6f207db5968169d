// Two command-line runs at once on one data directory, as real processes: both must finish and both images must be
// in the gallery (SQLite waits for the other writer; a fresh directory's schema is created once).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { appRoot } from '../app-paths';
import { testModelDir } from '../gallery/test-support/test-model';
import { main } from './main';

const data = mkdtempSync(path.join(tmpdir(), 'studio-concurrent-'));
afterAll(() => rmSync(data, { recursive: true, force: true }));

function studio(...argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const launcher = path.join(appRoot(), 'scripts', 'studio.mjs');
  const child = spawn(process.execPath, [launcher, ...argv], { cwd: appRoot() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test('two generate --save runs started together on a fresh data directory both land in the gallery', async () => {
  const generate = (prompt: string, seed: string) =>
    studio(
      'generate',
      ...['--model', testModelDir, '--prompt', prompt, '--seed', seed, '--steps', '2'],
      ...['--width', '64', '--height', '64', '--save', '--json', '--data', data],
    );
  const runs = await Promise.all([generate('a red circle', '1'), generate('a blue square', '2')]);
  for (const run of runs) expect(run.code, run.stderr).toBe(0);
  const saved = runs.map((run) => (JSON.parse(run.stdout.trim()) as { id: number }).id);
  expect(new Set(saved).size).toBe(2);

  const out: string[] = [];
  expect(await main(['gallery', 'list', '--json', '--data', data], { out: (l) => out.push(l), error: () => {} })).toBe(
    0,
  );
  const records = out.map((l) => JSON.parse(l) as { id: number; prompt: string });
  expect(records.map((r) => r.id).sort()).toEqual([...saved].sort());
  expect(records.map((r) => r.prompt).sort()).toEqual(['a blue square', 'a red circle']);
}, 120_000);
