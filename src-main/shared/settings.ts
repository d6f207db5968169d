// The studio's settings: one typed value per key, stored in studio.db and shared by the app, the server and the CLI.
import { z } from 'zod';
import { schedulerIds } from './schedulers';

export const providerPreferenceIds = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;
export const themes = ['dark', 'light'] as const;
export const maxThreads = 256;

/** Each key's value; `threads: 0` means the engine's default (cores − 1), `null` the model's or the bundled one. */
export const settingSchemas = {
  providers: z.enum(providerPreferenceIds),
  threads: z.number().int().min(0).max(maxThreads),
  defaultModel: z.string().min(1).max(200).nullable(),
  defaultScheduler: z.enum(schedulerIds).nullable(),
  theme: z.enum(themes),
} as const;

export type SettingKey = keyof typeof settingSchemas;
export type Settings = { [K in SettingKey]: z.output<(typeof settingSchemas)[K]> };
export const settingKeys = Object.keys(settingSchemas) as SettingKey[];

export const defaultSettings: Settings = {
  providers: 'auto',
  threads: 0,
  defaultModel: null,
  defaultScheduler: null,
  theme: 'dark',
};

/** `{ key, value }` for one known key, its value typed by that key: an unknown key or a mistyped value is refused. */
const entry = <K extends SettingKey>(key: K) => z.object({ key: z.literal(key), value: settingSchemas[key] }).strict();
export const settingsSetSchema = z.discriminatedUnion('key', [
  entry('providers'),
  entry('threads'),
  entry('defaultModel'),
  entry('defaultScheduler'),
  entry('theme'),
]);
export type SettingsSetInput = z.output<typeof settingsSetSchema>;

export interface CacheReport {
  /** Bytes under the data directory's cache/ folder. */
  bytes: number;
  files: number;
}
