// `studio concepts <list|import|rename|enable|disable|role|remove|restore>`: the concept library on the app's data
// directory.
import { readFileSync } from 'node:fs';
import { conceptRoles, type ConceptInfo, type ConceptRole } from '../../shared/concepts';
import { StudioError } from '../../shared/errors';
import { parseCommand, UsageError, type CommandSpec } from '../args';
import { dataDirHelp, dataDirOption, resolveDataDir, type CliIo } from '../io';
import { withStudio } from '../studio-session';

export const conceptsSpec = {
  name: 'concepts',
  summary: 'List, import, rename, enable/disable, remove and restore learned concepts (textual inversion).',
  usage:
    'concepts <list|import FILE|rename REF TRIGGER|enable REF|disable REF|role REF ROLE|remove REF|restore REF> [--json]',
  options: {
    trigger: { type: 'string' },
    role: { type: 'string' },
    'no-preview': { type: 'boolean' },
    json: { type: 'boolean' },
    ...dataDirOption,
    help: { type: 'boolean', short: 'h' },
  },
  help: [
    ['list', 'every concept: trigger, vectors × width, role, enabled, id'],
    ['import FILE', '.safetensors, .pt or .bin (A1111 or diffusers)   [--trigger WORD] [--role positive|negative]'],
    ['', '[--no-preview] (default: a preview image with the default model when it fits)'],
    ['rename REF TRIGGER', 'REF is an id (or its first 8+ digits) or the current trigger'],
    ['enable REF, disable REF', 'whether the app uses it in every job'],
    ['role REF positive|negative', 'which prompt the app puts it in'],
    ['remove REF', 'move it to the trash (its file and settings are kept)'],
    ['restore REF', 'bring a removed concept back from the trash, as it was'],
    ['--json', 'one JSON object per concept'],
    dataDirHelp,
  ],
  positionals: { min: 1, max: 3 },
} as const satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string }>>;

const arity: Record<string, number> = {
  list: 0,
  import: 1,
  rename: 2,
  enable: 1,
  disable: 1,
  role: 2,
  remove: 1,
  restore: 1,
};

export async function runConcepts(argv: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommand(conceptsSpec, argv);
  const [sub, ...args] = positionals;
  if (arity[sub] === undefined) throw new UsageError(`unknown subcommand '${sub}' (see studio concepts --help)`);
  if (args.length !== arity[sub])
    throw new UsageError(`${sub} takes ${arity[sub]} argument(s) (usage: studio ${conceptsSpec.usage})`);
  const role = v.role ?? (sub === 'role' ? args[1] : undefined);
  if (role !== undefined && !conceptRoles.includes(role as ConceptRole))
    throw new UsageError(`role must be positive or negative, got '${role}'`);

  const dataDir = resolveDataDir(v.data);
  const options = { conceptPreviews: !v['no-preview'], log: io.error };
  return withStudio(
    dataDir,
    async ({ concepts: library }) => {
      const print = (c: ConceptInfo) => io.out(v.json ? JSON.stringify(c) : describe(c));
      const ref = (raw: string) => resolveRef(library.list(), raw, '');
      const trashedRef = (raw: string) => resolveRef(library.trashed(), raw, ' in the trash');
      switch (sub) {
        case 'list':
          library.list().forEach(print);
          break;
        case 'import':
          print(await library.import(args[0], readFile(args[0]), { trigger: v.trigger, role: role as ConceptRole }));
          break;
        case 'rename':
          print(await library.rename(ref(args[0]), args[1]));
          break;
        case 'enable':
        case 'disable':
          print(library.setEnabled(ref(args[0]), sub === 'enable'));
          break;
        case 'role':
          print(library.setRole(ref(args[0]), role as ConceptRole));
          break;
        case 'restore':
          print(library.restore(trashedRef(args[0])));
          break;
        default:
          library.remove(ref(args[0]));
      }
      return 0;
    },
    options,
  );
}

function describe(c: ConceptInfo): string {
  const state = c.enabled ? 'enabled' : 'disabled';
  return `${c.trigger}\t${c.vectors}×${c.width}\t${c.layout} ${c.format}\t${c.role}\t${state}\t${c.id}`;
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

/** An id, a unique id prefix of 8+ digits, or a trigger (case-insensitive), among `all`. */
function resolveRef(all: ConceptInfo[], raw: string, where: string): string {
  const byTrigger = all.find((c) => c.trigger.toLowerCase() === raw.toLowerCase());
  if (byTrigger) return byTrigger.id;
  const byId = /^[0-9a-f]{8,64}$/.test(raw) ? all.filter((c) => c.id.startsWith(raw)) : [];
  if (byId.length === 1) return byId[0].id;
  throw new StudioError('not_found', `no concept '${raw}'${where} (give its trigger or id)`);
}
