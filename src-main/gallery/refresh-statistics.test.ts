// PRAGMA optimize is opportunistic: while another connection holds the write lock it gives way instead of failing the
// command that closes or opens the gallery (seen as "database is locked" from two CLI runs at once).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { refreshStatistics } from './database';

const dir = mkdtempSync(path.join(tmpdir(), 'studio-stats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('gives way to another writer, and still fails on anything else', () => {
  const file = path.join(dir, 'studio.db');
  const a = new Database(file, { timeout: 20 });
  a.pragma('journal_mode = WAL');
  a.exec('CREATE TABLE t (x INTEGER); CREATE INDEX t_x ON t(x);');
  a.transaction(() => {
    for (let i = 0; i < 2000; i++) a.prepare('INSERT INTO t VALUES (?)').run(i % 7);
  })();
  const b = new Database(file, { timeout: 20 });
  b.exec('BEGIN IMMEDIATE');
  try {
    // The raw pragma meets the lock (ANALYZE has to write its statistics) …
    expect(() => a.pragma('optimize = 0x10002')).toThrow(/database is locked/);
    // … and the studio's call gives way.
    expect(() => refreshStatistics(a, 0x10002)).not.toThrow();
  } finally {
    b.exec('ROLLBACK');
  }
  refreshStatistics(a, 0x10002);
  expect(a.prepare("SELECT count(*) AS n FROM sqlite_stat1 WHERE tbl = 't'").get()).toEqual({ n: 1 });
  a.close();
  expect(() => refreshStatistics(a)).toThrow(/not open/);
  b.close();
});
