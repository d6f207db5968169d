import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, test } from 'vitest';
import { openStudioDb, studioDbPath } from './database';
import { migrations, schemaVersion } from './migrations';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'studio-db-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const tables = (db: ReturnType<typeof openStudioDb>) =>
  db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts_%' ORDER BY name",
    )
    .pluck()
    .all();

test('an empty data directory gets the whole schema, in WAL mode with foreign keys on, and no backup', () => {
  const dir = tempDir();
  const db = openStudioDb(dir);
  expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion);
  expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  expect(tables(db)).toEqual([
    'board_items',
    'boards',
    'concepts',
    'generation_concepts',
    'generation_tags',
    'generations',
    'generations_fts',
    'loras',
    'model_locations',
    'models',
    'presets',
    'settings',
    'tags',
  ]);
  db.close();
  expect(existsSync(studioDbPath(dir))).toBe(true);
  expect(existsSync(path.join(dir, 'backups'))).toBe(false);
});

test('a database of the previous version is migrated forward with its rows kept, after a backup copy', () => {
  const dir = tempDir();
  const old = openStudioDb(dir, { migrations: migrations.slice(0, 1) });
  expect(old.pragma('user_version', { simple: true })).toBe(1);
  old
    .prepare(
      `INSERT INTO generations (created, source, metadata, path, thumb, file_hash, prompt, width, height)
              VALUES (1, 'studio', 'complete', 'gallery/a.png', 'gallery/a.thumb.png', 'h', 'a lighthouse at dawn', 64, 64)`,
    )
    .run();
  old.close();

  const db = openStudioDb(dir);
  expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion);
  expect(db.prepare('SELECT prompt FROM generations').pluck().all()).toEqual(['a lighthouse at dawn']);
  expect(
    db.prepare("SELECT rowid FROM generations_fts WHERE generations_fts MATCH 'lighthouse'").pluck().all(),
  ).toEqual([1]);
  db.prepare("INSERT INTO boards (name, created) VALUES ('keepers', 0)").run();
  db.close();

  const backups = readdirSync(path.join(dir, 'backups'));
  expect(backups).toHaveLength(1);
  expect(backups[0]).toMatch(/^studio-v1-\d{8}T\d{6}\.db$/);
  const copy = new Database(path.join(dir, 'backups', backups[0]), { readonly: true });
  expect(copy.pragma('user_version', { simple: true })).toBe(1);
  expect(copy.prepare('SELECT prompt FROM generations').pluck().all()).toEqual(['a lighthouse at dawn']);
  copy.close();
});

test('reopening a current database changes nothing and makes no backup', () => {
  const dir = tempDir();
  openStudioDb(dir).close();
  openStudioDb(dir).close();
  expect(existsSync(path.join(dir, 'backups'))).toBe(false);
});

test('a database from a newer studio is refused rather than damaged', () => {
  const dir = tempDir();
  const db = openStudioDb(dir);
  db.pragma(`user_version = ${schemaVersion + 1}`);
  db.close();
  expect(() => openStudioDb(dir)).toThrow(/newer than this studio/);
});

test('every migration only adds: replaying them one at a time gives the same schema as all at once', () => {
  const stepwise = tempDir();
  for (let n = 1; n <= migrations.length; n++) openStudioDb(stepwise, { migrations: migrations.slice(0, n) }).close();
  const direct = tempDir();
  openStudioDb(direct).close();
  const schema = (dir: string) => {
    const db = openStudioDb(dir);
    const sql = db
      .prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
      .all();
    db.close();
    return sql;
  };
  expect(schema(stepwise)).toEqual(schema(direct));
});
