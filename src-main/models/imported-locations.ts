// Imported model folders, remembered in studio.db's model_locations table (migration 5).
import type Database from 'better-sqlite3';
import type { ImportedLocations } from './model-library';

export function importedLocations(db: Database.Database): ImportedLocations {
  const list = db.prepare<[], { dir: string }>('SELECT dir FROM model_locations ORDER BY added, dir');
  const add = db.prepare<[string, number]>('INSERT OR IGNORE INTO model_locations (dir, added) VALUES (?, ?)');
  const remove = db.prepare<[string]>('DELETE FROM model_locations WHERE dir = ?');
  return {
    list: () => list.all().map((row) => row.dir),
    add: (dir) => void add.run(dir, Date.now()),
    remove: (dir) => void remove.run(dir),
  };
}
