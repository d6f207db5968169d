// Many generations at once (a collection brought over from another tool, a benchmark's 100,000 rows): one
// transaction, and for large batches the full-text index built once at the end instead of row by row by its
// trigger, which in one huge transaction costs about 30 times more.
import type { StudioDb } from './database';
import type { NewGeneration } from './records';
import type { Store } from './store';

/** From this many rows on, one rebuild of the whole index beats updating it row by row. */
export const rebuildIndexFrom = 5_000;

/** Inserts every row or none; returns their ids in order. */
export function bulkInsert(db: StudioDb, store: Store, rows: readonly NewGeneration[]): number[] {
  if (rows.length < rebuildIndexFrom) return db.transaction(() => rows.map((row) => store.insert(row))).immediate();
  const trigger = db
    .prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'generations_fts_insert'")
    .pluck()
    .get() as string;
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  // A big transaction touches every index page: let them all stay in memory rather than spill mid-transaction.
  db.pragma('cache_size = -524288');
  try {
    // Schema changes are transactional in SQLite: if any row fails, the trigger comes back with the rollback.
    return db
      .transaction(() => {
        db.exec('DROP TRIGGER generations_fts_insert');
        const ids = rows.map((row) => store.insert(row));
        db.exec(trigger);
        db.exec("INSERT INTO generations_fts(generations_fts) VALUES ('rebuild')");
        return ids;
      })
      .immediate();
  } finally {
    db.pragma(`cache_size = ${cacheSize}`);
  }
}
