// The studio's settings: one typed value per key, stored in studio.db and shared by the app, the server and the CLI.
import { z } from 'zod';
import { schedulerIds } from './schedulers';

export const providerPreferenceIds = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;
export const themes = ['dark', 'light'] as const;
export const maxThreads = 256;
export const defaultHubEndpoint = 'https://huggingface.co';

/** An http(s) origin with an optional path (a mirror's prefix): no credentials, query or fragment, which the studio
 * would otherwise send along with every request. */
export function hubEndpointProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http:// or https:// URL';
  if (url.username || url.password) return 'must not carry a user name or password (use HF_TOKEN)';
  if (url.search || url.hash || /[?#]/.test(value)) return 'must not carry a query or fragment';
  return null;
}
const hubEndpoint = z
  .string()
  .trim()
  .max(2048)
  .superRefine((value, ctx) => {
    const problem = hubEndpointProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `the Hub endpoint ${problem}` });
  })
  .transform((value) => value.replace(/\/+$/, ''));

/** Each key's value; `threads: 0` means the engine's default (cores − 1), `null` the model's or the bundled one. */
export const settingSchemas = {
  providers: z.enum(providerPreferenceIds),
  threads: z.number().int().min(0).max(maxThreads),
  defaultModel: z.string().min(1).max(200).nullable(),
  defaultScheduler: z.enum(schedulerIds).nullable(),
  theme: z.enum(themes),
  /** Where `models download` fetches from: the Hugging Face Hub, or a mirror that serves its file API. */
  hubEndpoint,
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
  hubEndpoint: defaultHubEndpoint,
};

/** `{ key, value }` for one known key, its value typed by that key: an unknown key or a mistyped value is refused. */
const entry = <K extends SettingKey>(key: K) => z.object({ key: z.literal(key), value: settingSchemas[key] }).strict();
export const settingsSetSchema = z.discriminatedUnion('key', [
  entry('providers'),
  entry('threads'),
  entry('defaultModel'),
  entry('defaultScheduler'),
  entry('theme'),
  entry('hubEndpoint'),
]);
export type SettingsSetInput = z.output<typeof settingsSetSchema>;

export interface CacheReport {
  /** Bytes under the data directory's cache/ folder. */
  bytes: number;
  files: number;
}
