// The `loras` table (gallery migration 7) as typed rows: statements only, no policy.
import type Database from 'better-sqlite3';
import type { LoraInfo } from '../shared/loras';

interface Row {
  id: string;
  name: string;
  file: string;
  source_name: string;
  info: string;
  added: number;
}

export interface StoredLora extends LoraInfo {
  /** Relative path of the copy in the data directory. */
  file: string;
}

type Details = Omit<LoraInfo, 'id' | 'name' | 'sourceName' | 'created'>;

const toLora = (r: Row): StoredLora => ({
  ...(JSON.parse(r.info) as Details),
  id: r.id,
  name: r.name,
  sourceName: r.source_name,
  created: r.added,
  file: r.file,
});

export function loraRows(db: Database.Database) {
  const all = db.prepare<[], Row>('SELECT * FROM loras ORDER BY lower(name)');
  const byId = db.prepare<[string], Row>('SELECT * FROM loras WHERE id = ?');
  const byName = db.prepare<[string], Row>('SELECT * FROM loras WHERE lower(name) = lower(?)');
  const insert = db.prepare(
    'INSERT INTO loras (id, name, file, source_name, info, added) VALUES (@id, @name, @file, @sourceName, @info, @created)',
  );
  const remove = db.prepare<[string]>('DELETE FROM loras WHERE id = ?');
  const one = (row: Row | undefined) => (row ? toLora(row) : null);
  return {
    list: () => all.all().map(toLora),
    get: (id: string) => one(byId.get(id)),
    byName: (name: string) => one(byName.get(name)),
    insert: ({ id, name, file, sourceName, created, ...details }: StoredLora) =>
      insert.run({ id, name, file, sourceName, created, info: JSON.stringify(details) }),
    remove: (id: string) => remove.run(id).changes > 0,
  };
}
