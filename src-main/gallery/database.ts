// Opens studio.db in the data directory and brings its schema to the current version. The one owner of the schema:
// WAL (readers never wait for the writer), foreign keys on, migrations by user_version with a backup copy first.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { migrations, schemaVersion, type Migration } from './migrations';

export type StudioDb = Database.Database;

const busyTimeoutMs = 5000;
// Write transactions in the gallery are IMMEDIATE (`db.transaction(fn).immediate()`): a deferred one that reads
// before it writes cannot wait when another process commits in between (its snapshot is stale, and SQLite answers
// SQLITE_BUSY_SNAPSHOT "database is locked" at once, busy timeout or not); an immediate one takes the lock first.

export interface OpenOptions {
  /** Default: every migration (the current schema); tests pass fewer to build an older database. */
  migrations?: readonly Migration[];
  log?: (message: string) => void;
}

export function studioDbPath(dataDir: string): string {
  return path.join(dataDir, 'studio.db');
}

export function openStudioDb(dataDir: string, options: OpenOptions = {}): StudioDb {
  mkdirSync(dataDir, { recursive: true });
  // Another process (a second CLI run, the app) may hold the write lock: wait for it instead of failing at once.
  // Set at open, so switching a fresh file to WAL waits too.
  const db = new Database(studioDbPath(dataDir), { timeout: busyTimeoutMs });
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives any process crash; after a power cut the last commits may be lost, and the
    // startup reconciliation re-indexes their files (which are fsynced before their rows commit).
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, dataDir, options.migrations ?? migrations, options.log ?? (() => {}));
    // Statistics for the planner (index or scan, per filter), refreshed only when tables changed a lot; the limit
    // keeps a first analysis of 100,000 rows to a few milliseconds.
    db.pragma('analysis_limit = 1000');
    refreshStatistics(db, 0x10002);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

export function migrate(db: StudioDb, dataDir: string, list: readonly Migration[], log: (m: string) => void): void {
  const current = userVersion(db);
  const target = list.length;
  if (current > schemaVersion) {
    throw new Error(
      `studio.db is at schema version ${current}, newer than this studio (${schemaVersion}); update the app`,
    );
  }
  if (current >= target) return;
  // One copy of the database as it was: each step runs in its own transaction, so a failure leaves a valid version.
  if (current > 0) log(`studio.db backed up to ${backup(db, dataDir, current)} before migrating`);
  // IMMEDIATE takes the write lock before the version is read again: a second process opening the same data
  // directory at once waits here, then finds the step done, instead of running it twice.
  const step = db.transaction((): Migration | null => {
    const version = userVersion(db);
    if (version >= target) return null;
    const migration = list[version];
    db.exec(migration.sql);
    db.pragma(`user_version = ${migration.version}`);
    return migration;
  });
  for (let migration = step.immediate(); migration; migration = step.immediate()) {
    log(`studio.db migrated to version ${migration.version} (${migration.description})`);
  }
}

function userVersion(db: StudioDb): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function backup(db: StudioDb, dataDir: string, version: number): string {
  const dir = path.join(dataDir, 'backups');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  let file = path.join(dir, `studio-v${version}-${stamp}.db`);
  for (let n = 1; existsSync(file); n++) file = path.join(dir, `studio-v${version}-${stamp}-${n}.db`);
  // VACUUM INTO writes a consistent, compact copy, synchronously, while the database stays open.
  db.prepare('VACUUM INTO ?').run(file);
  return file;
}

/**
 * PRAGMA optimize: fresh planner statistics where tables changed a lot. Opportunistic: it reads and then writes
 * (ANALYZE) outside an IMMEDIATE transaction, so while another process writes it may meet "database is locked" at once;
 * the statistics then wait for the next open or close instead of failing the command that asked.
 */
export function refreshStatistics(db: StudioDb, mask?: number): void {
  try {
    db.pragma(mask === undefined ? 'optimize' : `optimize = 0x${mask.toString(16)}`);
  } catch (error) {
    if (!(error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY'))) throw error;
  }
}
