// `studio loras <list|import|remove>`: the LoRA library on the app's data directory.
import { readFileSync } from 'node:fs';
import { StudioError } from '../../shared/errors';
import type { LoraInfo } from '../../shared/loras';
import { parseCommand, UsageError, type CommandSpec } from '../args';
import { dataDirHelp, dataDirOption, resolveDataDir, type CliIo } from '../io';
import { withStudio } from '../studio-session';

export const lorasSpec = {
  name: 'loras',
  summary: 'List, import and remove LoRAs (kohya/A1111 or diffusers/PEFT .safetensors files).',
  usage: 'loras <list|import FILE|remove REF> [--name NAME] [--json]',
  options: {
    name: { type: 'string' },
    json: { type: 'boolean' },
    ...dataDirOption,
    help: { type: 'boolean', short: 'h' },
  },
  help: [
    ['list', 'every LoRA: name, base model, modules (UNet + text encoder), rank, trigger words, id'],
    ['import FILE', 'a .safetensors LoRA, called by its base name in prompts (<lora:NAME:0.8>)   [--name NAME]'],
    ['remove REF', 'REF is a name or an id (or its first 8+ digits); the copied file goes too'],
    ['--json', 'one JSON object per LoRA'],
    dataDirHelp,
  ],
  positionals: { min: 1, max: 2 },
} as const satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string }>>;

const arity: Record<string, number> = { list: 0, import: 1, remove: 1 };

export async function runLoras(argv: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommand(lorasSpec, argv);
  const [sub, ...args] = positionals;
  if (arity[sub] === undefined) throw new UsageError(`unknown subcommand '${sub}' (see studio loras --help)`);
  if (args.length !== arity[sub])
    throw new UsageError(`${sub} takes ${arity[sub]} argument(s) (usage: studio ${lorasSpec.usage})`);
  if (v.name !== undefined && sub !== 'import') throw new UsageError('option --name goes with import');
  return withStudio(
    resolveDataDir(v.data),
    ({ loras: library }) => {
      const print = (l: LoraInfo) => io.out(v.json ? JSON.stringify(l) : describe(l));
      switch (sub) {
        case 'list':
          library.list().forEach(print);
          break;
        case 'import':
          print(library.import(args[0], readFile(args[0]), { name: v.name }));
          break;
        default:
          library.remove(resolveRef(library.list(), args[0]));
      }
      return 0;
    },
    { log: io.error },
  );
}

function describe(l: LoraInfo): string {
  const modules = `${l.unetModules}+${l.textEncoderModules} modules`;
  const words = l.triggerWords.length ? l.triggerWords.join(', ') : '-';
  return `${l.name}\t${l.baseModel}\t${modules}\trank ${l.rank}\t${l.naming}\t${words}\t${l.id}`;
}

function readFile(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (error) {
    throw new Error(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
      cause: error,
    });
  }
}

/** A name (case-insensitive), an id, or a unique id prefix of 8+ digits. */
function resolveRef(all: LoraInfo[], raw: string): string {
  const byName = all.find((l) => l.name.toLowerCase() === raw.toLowerCase());
  if (byName) return byName.id;
  const byId = /^[0-9a-f]{8,64}$/.test(raw) ? all.filter((l) => l.id.startsWith(raw)) : [];
  if (byId.length === 1) return byId[0].id;
  throw new StudioError('not_found', `no LoRA '${raw}' (give its name or id)`);
}
