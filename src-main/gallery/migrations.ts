// The studio database's schema, as numbered migrations: version N is the state after the first N entries. Each one
// only adds (tables, columns, indexes); none rewrites an earlier one, so any older studio.db can be brought forward.
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'generations with full-text search over prompts',
    sql: `
      CREATE TABLE generations (
        -- AUTOINCREMENT: ids are shown to people and scripts, so an emptied trash must not hand them out again.
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created INTEGER NOT NULL,
        source TEXT NOT NULL,
        metadata TEXT NOT NULL,
        path TEXT NOT NULL UNIQUE,
        thumb TEXT NOT NULL,
        file_hash TEXT NOT NULL,
        -- Of the decoded RGB: finds the generation an img2img init image was taken from.
        pixel_hash TEXT,
        prompt TEXT NOT NULL DEFAULT '',
        negative TEXT NOT NULL DEFAULT '',
        seed TEXT,
        batch_index INTEGER NOT NULL DEFAULT 0,
        batch_size INTEGER NOT NULL DEFAULT 1,
        steps INTEGER,
        guidance REAL,
        scheduler TEXT,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        model_name TEXT,
        model_hash TEXT,
        strength REAL,
        init_image TEXT,
        parent_id INTEGER REFERENCES generations(id) ON DELETE SET NULL,
        provider TEXT,
        timings TEXT,
        favorite INTEGER NOT NULL DEFAULT 0,
        rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
        deleted_at INTEGER,
        missing INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX generations_rating ON generations(rating, id) WHERE deleted_at IS NULL;
      CREATE INDEX generations_created ON generations(created);
      CREATE INDEX generations_model_name ON generations(model_name);
      CREATE INDEX generations_model_hash ON generations(model_hash);
      CREATE INDEX generations_file_hash ON generations(file_hash);
      CREATE INDEX generations_pixel_hash ON generations(pixel_hash);
      CREATE INDEX generations_init ON generations(init_image) WHERE init_image IS NOT NULL;
      CREATE INDEX generations_trash ON generations(deleted_at) WHERE deleted_at IS NOT NULL;
      -- Also what keeps ON DELETE SET NULL from scanning the table for every row removed.
      CREATE INDEX generations_parent ON generations(parent_id) WHERE parent_id IS NOT NULL;

      CREATE TABLE generation_concepts (
        generation_id INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
        trigger TEXT NOT NULL,
        file_hash TEXT NOT NULL,
        PRIMARY KEY (generation_id, trigger)
      ) WITHOUT ROWID;
      CREATE INDEX generation_concepts_trigger ON generation_concepts(trigger);
      CREATE INDEX generation_concepts_hash ON generation_concepts(file_hash);

      -- External-content FTS5: the text lives once, in generations; triggers keep the index in step.
      CREATE VIRTUAL TABLE generations_fts USING fts5(
        prompt, negative, content='generations', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER generations_fts_insert AFTER INSERT ON generations BEGIN
        INSERT INTO generations_fts(rowid, prompt, negative) VALUES (new.id, new.prompt, new.negative);
      END;
      CREATE TRIGGER generations_fts_delete AFTER DELETE ON generations BEGIN
        INSERT INTO generations_fts(generations_fts, rowid, prompt, negative)
          VALUES ('delete', old.id, old.prompt, old.negative);
      END;
      CREATE TRIGGER generations_fts_update AFTER UPDATE OF prompt, negative ON generations BEGIN
        INSERT INTO generations_fts(generations_fts, rowid, prompt, negative)
          VALUES ('delete', old.id, old.prompt, old.negative);
        INSERT INTO generations_fts(rowid, prompt, negative) VALUES (new.id, new.prompt, new.negative);
      END;

      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 'boards, tags and presets',
    sql: `
      CREATE TABLE boards (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created INTEGER NOT NULL
      );
      CREATE TABLE board_items (
        board_id INTEGER NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
        generation_id INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
        added INTEGER NOT NULL,
        PRIMARY KEY (board_id, generation_id)
      ) WITHOUT ROWID;
      CREATE INDEX board_items_generation ON board_items(generation_id);

      CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE);
      CREATE TABLE generation_tags (
        generation_id INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        PRIMARY KEY (generation_id, tag_id)
      ) WITHOUT ROWID;
      CREATE INDEX generation_tags_tag ON generation_tags(tag_id, generation_id);

      CREATE TABLE presets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        params TEXT NOT NULL,
        created INTEGER NOT NULL,
        updated INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: 'catalogues of models and concepts',
    sql: `
      CREATE TABLE models (
        hash TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT,
        source TEXT,
        added INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE concepts (
        file_hash TEXT PRIMARY KEY,
        trigger TEXT NOT NULL,
        file TEXT NOT NULL,
        kind TEXT,
        added INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX concepts_trigger ON concepts(trigger);
    `,
  },
  {
    version: 4,
    description: 'concept library: format, vectors, role, enabled, preview',
    sql: `
      ALTER TABLE concepts ADD COLUMN format TEXT NOT NULL DEFAULT 'safetensors';
      ALTER TABLE concepts ADD COLUMN vectors INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE concepts ADD COLUMN width INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE concepts ADD COLUMN source_name TEXT NOT NULL DEFAULT '';
      ALTER TABLE concepts ADD COLUMN role TEXT NOT NULL DEFAULT 'positive' CHECK (role IN ('positive', 'negative'));
      ALTER TABLE concepts ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE concepts ADD COLUMN preview TEXT;
      CREATE UNIQUE INDEX concepts_trigger_unique ON concepts(lower(trigger));
    `,
  },
  {
    version: 5,
    description: 'model folders imported where they lie (settings live in the settings table of version 1)',
    sql: `
      -- The library's other models are found by scanning (bundled, and the data directory's models/); these are
      -- remembered. Forgetting one never touches its files. Settings: one row per key, the value as JSON.
      CREATE TABLE model_locations (
        dir TEXT PRIMARY KEY,
        added INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 6,
    description: 'the mask an inpainting job repainted through, stored beside init images',
    sql: `
      ALTER TABLE generations ADD COLUMN mask_image TEXT;
    `,
  },
  {
    version: 7,
    description: 'LoRA library',
    sql: `
      -- Imported LoRA files, content-addressed under loras/; what the views show was read from the file on import.
      CREATE TABLE loras (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        file TEXT NOT NULL,
        source_name TEXT NOT NULL,
        info TEXT NOT NULL,
        added INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX loras_name ON loras(lower(name));
    `,
  },
];

export const schemaVersion = migrations.length;
