// `studio settings get [KEY] | set KEY VALUE`: the settings the app, the server and the CLI share.
import { settingKeys, settingSchemas, type SettingKey, type SettingsSetInput } from '../../shared/settings';
import { parseCommand, UsageError, type CommandSpec } from '../args';
import { dataDirHelp, dataDirOption, resolveDataDir, type CliIo } from '../io';
import { withStudio } from '../studio-session';

export const settingsSpec = {
  name: 'settings',
  summary: "Show or change the studio's settings (stored in the data directory).",
  usage: 'settings <get [KEY] | set KEY VALUE> [--json]',
  options: {
    json: { type: 'boolean' },
    ...dataDirOption,
    help: { type: 'boolean', short: 'h' },
  },
  help: [
    ['get [KEY]', `every setting, or one: ${settingKeys.join(', ')}`],
    ['set KEY VALUE', 'providers auto|cpu|cuda|dml|coreml|webgpu; threads N (0: cores − 1); theme dark|light;'],
    ['', 'defaultModel NAME|none; defaultScheduler ID|none; hubEndpoint URL (models download)'],
    ['--json', 'print the settings as one JSON object'],
    dataDirHelp,
    ['-h, --help', 'show this help'],
  ],
  positionals: { min: 1, max: 3 },
} as const satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string }>>;

export async function runSettings(argv: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommand(settingsSpec, argv);
  const [sub, key, raw] = positionals;
  if (sub !== 'get' && sub !== 'set') throw new UsageError(`unknown subcommand '${sub}' (see studio settings --help)`);
  if (key !== undefined && !settingKeys.includes(key as SettingKey))
    throw new UsageError(`unknown setting '${key}' (one of ${settingKeys.join(', ')})`);
  if (sub === 'get' && raw !== undefined) throw new UsageError(`unexpected argument '${raw}'`);
  if (sub === 'set' && raw === undefined)
    throw new UsageError(`set takes KEY VALUE (usage: studio ${settingsSpec.usage})`);
  const input = sub === 'set' ? parseValue(key as SettingKey, raw) : null;

  return withStudio(resolveDataDir(v.data), async ({ handlers }) => {
    const settings = input ? await handlers['settings.set'](input) : await handlers['settings.get']({});
    if (key !== undefined) {
      const value = settings[key as SettingKey];
      io.out(v.json ? JSON.stringify({ [key]: value }) : String(value ?? 'none'));
    } else if (v.json) io.out(JSON.stringify(settings));
    else for (const k of settingKeys) io.out(`${k}\t${String(settings[k] ?? 'none')}`);
    return 0;
  });
}

/** Text to the key's type: whole numbers for threads, `none` for an unset choice; the contract's schema decides. */
function parseValue(key: SettingKey, raw: string): SettingsSetInput {
  const nullable = key === 'defaultModel' || key === 'defaultScheduler';
  const value: unknown =
    nullable && (raw === 'none' || raw === 'null') ? null : key === 'threads' && /^\d+$/.test(raw) ? Number(raw) : raw;
  const parsed = settingSchemas[key].safeParse(value);
  if (!parsed.success)
    throw new UsageError(`setting ${key}: ${parsed.error.issues[0]?.message ?? 'invalid'}, got '${raw}'`);
  return { key, value: parsed.data } as SettingsSetInput;
}
