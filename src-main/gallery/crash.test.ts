// A child process killed (SIGKILL) while saving leaves the database and the files consistent after a restart, and
// loses no committed generation.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { tempGallery } from './test-support/temp-gallery';

const root = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'gallery-crash-'));
const child = path.join(work, 'crash-child.cjs');

beforeAll(async () => {
  // The child runs the gallery's real code: bundled from the sources, with the native SQLite binding left external.
  await build({
    entryPoints: [path.join(import.meta.dirname, 'test-support/crash-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['better-sqlite3'],
    outfile: child,
    logLevel: 'error',
  });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the child until `stop` says so (looking at the lines so far), then kills it; resolves with its lines. */
function runUntil(
  dataDir: string,
  firstSeed: number,
  stop: (lines: string[]) => boolean,
  env: Record<string, string> = {},
) {
  return new Promise<string[]>((resolve, reject) => {
    const proc = spawn(process.execPath, [child, dataDir, String(firstSeed)], {
      env: { ...process.env, ...env, NODE_PATH: path.join(root, 'node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let buffer = '';
    let stderr = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      lines.push(...parts);
      if (stop(lines) && proc.exitCode === null) proc.kill('SIGKILL');
    });
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve(lines) : reject(new Error(`child exited ${code}: ${stderr}`)),
    );
  });
}

async function expectConsistent(dataDir: string, committed: number[]) {
  const t = tempGallery({ dir: dataDir });
  try {
    expect(t.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const report = await t.gallery.reconcile({ settleMs: 0 });
    expect(report.missing).toEqual([]);
    expect(report.unreadable).toEqual([]);
    const rows = t.db.prepare<[], { id: number; path: string }>('SELECT id, path FROM generations').all();
    const ids = new Set(rows.map((r) => r.id));
    for (const id of committed) expect(ids.has(id)).toBe(true);
    const files = readdirSync(path.join(dataDir, 'gallery'), { recursive: true }).map(String);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const images = files
      .filter((f) => f.endsWith('.png') && !f.endsWith('.thumb.png'))
      .map((f) => `gallery/${f.split(path.sep).join('/')}`);
    expect(images.sort()).toEqual(rows.map((r) => r.path).sort());
    return { rows: rows.length, indexed: report.indexed.length };
  } finally {
    t.db.close();
  }
}

test('killed between writing the files and committing, or inside the transaction, or anywhere', async () => {
  const dataDir = mkdtempSync(path.join(work, 'data-'));
  const committed: number[] = [];
  const ids = (lines: string[]) => lines.filter((l) => /^\d/.test(l)).flatMap((l) => l.split(' ').map(Number));

  // Job 3's files are written, its rows not yet committed: the restart indexes them from their metadata.
  let lines = await runUntil(dataDir, 1, (l) => l.includes('paused'), { PAUSE_AT: '3:files' });
  committed.push(...ids(lines));
  expect(committed).toHaveLength(4);
  expect(await expectConsistent(dataDir, committed)).toEqual({ rows: 6, indexed: 2 });

  // Inside the open transaction: the rows roll back, the files stay and are indexed.
  lines = await runUntil(dataDir, 100, (l) => l.includes('paused'), { PAUSE_AT: '2:transaction' });
  committed.push(...ids(lines));
  expect(await expectConsistent(dataDir, committed)).toEqual({ rows: 10, indexed: 2 });

  // Wherever the kill lands while saving flat out.
  for (let round = 0; round < 3; round++) {
    lines = await runUntil(dataDir, 1000 * (round + 1), (l) => ids(l).length >= 6 + round * 4);
    committed.push(...ids(lines));
    await expectConsistent(dataDir, committed);
  }
});
