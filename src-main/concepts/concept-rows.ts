// The `concepts` table (gallery migrations 3 and 4) as typed rows: statements only, no policy.
import type Database from 'better-sqlite3';
import type { ConceptInfo, ConceptRole } from '../shared/concepts';

interface Row {
  file_hash: string;
  trigger: string;
  file: string;
  kind: string | null;
  added: number;
  format: string;
  vectors: number;
  width: number;
  source_name: string;
  role: string;
  enabled: number;
  preview: string | null;
}

export interface StoredConcept extends ConceptInfo {
  /** Relative path of the copy in the data directory. */
  file: string;
}

const toInfo = (r: Row): StoredConcept => ({
  id: r.file_hash,
  trigger: r.trigger,
  format: r.format as ConceptInfo['format'],
  layout: (r.kind ?? 'a1111') as ConceptInfo['layout'],
  vectors: r.vectors,
  width: r.width,
  sourceName: r.source_name,
  role: r.role as ConceptRole,
  enabled: r.enabled === 1,
  created: r.added,
  preview: r.preview,
  file: r.file,
});

export function conceptRows(db: Database.Database) {
  const all = db.prepare<[], Row>('SELECT * FROM concepts ORDER BY lower(trigger)');
  const byId = db.prepare<[string], Row>('SELECT * FROM concepts WHERE file_hash = ?');
  const byTrigger = db.prepare<[string], Row>('SELECT * FROM concepts WHERE lower(trigger) = lower(?)');
  const insert = db.prepare(
    `INSERT INTO concepts (file_hash, trigger, file, kind, added, format, vectors, width, source_name, role, enabled)
     VALUES (@id, @trigger, @file, @layout, @created, @format, @vectors, @width, @sourceName, @role, 1)`,
  );
  const setTrigger = db.prepare<[string, string]>('UPDATE concepts SET trigger = ? WHERE file_hash = ?');
  const setEnabled = db.prepare<[number, string]>('UPDATE concepts SET enabled = ? WHERE file_hash = ?');
  const setRole = db.prepare<[string, string]>('UPDATE concepts SET role = ? WHERE file_hash = ?');
  const setPreview = db.prepare<[string | null, string]>('UPDATE concepts SET preview = ? WHERE file_hash = ?');
  const remove = db.prepare<[string]>('DELETE FROM concepts WHERE file_hash = ?');
  return {
    list: () => all.all().map(toInfo),
    get: (id: string) => {
      const row = byId.get(id);
      return row ? toInfo(row) : null;
    },
    byTrigger: (trigger: string) => {
      const row = byTrigger.get(trigger);
      return row ? toInfo(row) : null;
    },
    insert: (c: StoredConcept) => insert.run({ ...c }),
    setTrigger: (id: string, trigger: string) => setTrigger.run(trigger, id).changes > 0,
    setEnabled: (id: string, enabled: boolean) => setEnabled.run(enabled ? 1 : 0, id).changes > 0,
    setRole: (id: string, role: ConceptRole) => setRole.run(role, id).changes > 0,
    setPreview: (id: string, preview: string | null) => setPreview.run(preview, id).changes > 0,
    remove: (id: string) => remove.run(id).changes > 0,
  };
}
