// The studio's settings in studio.db's settings table (key → JSON value): read with defaults, written only after the
// contract's schema for that key accepts the value, so a hand-edited or older row can never reach the engine.
import type Database from 'better-sqlite3';
import { defaultSettings, settingKeys, settingSchemas, type SettingKey, type Settings } from '../shared/settings';

export interface SettingsStore {
  get(): Settings;
  set<K extends SettingKey>(key: K, value: Settings[K]): Settings;
  /** Called after every change with the key that changed. */
  onChange(listener: (key: SettingKey, settings: Settings) => void): () => void;
}

export function createSettingsStore(db: Database.Database): SettingsStore {
  const listeners = new Set<(key: SettingKey, settings: Settings) => void>();
  const select = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings');
  const upsert = db.prepare<[string, string]>(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );

  function get(): Settings {
    const settings: Record<string, unknown> = { ...defaultSettings };
    for (const row of select.all()) {
      if (!settingKeys.includes(row.key as SettingKey)) continue;
      const parsed = settingSchemas[row.key as SettingKey].safeParse(parseJson(row.value));
      if (parsed.success) settings[row.key] = parsed.data;
    }
    return settings as Settings;
  }

  return {
    get,
    set(key, value) {
      const checked = settingSchemas[key].parse(value);
      upsert.run(key, JSON.stringify(checked));
      const settings = get();
      for (const listener of listeners) listener(key, settings);
      return settings;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
