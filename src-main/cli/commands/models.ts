// `studio models <list|add|remove|default>`: the model library of the app's data directory.
import type { ModelDetails } from '../../shared/models';
import type { ModelSummary } from '../../shared/system-types';
import { parseCommand, UsageError, type CommandSpec } from '../args';
import { dataDirHelp, dataDirOption, resolveDataDir, type CliIo } from '../io';
import { withStudio } from '../studio-session';

export const modelsSpec = {
  name: 'models',
  summary: 'List the installed models, add a model folder, remove one, choose the default.',
  usage: 'models <list|add DIR|remove NAME|default NAME> [--delete-files] [--json]',
  options: {
    'delete-files': { type: 'boolean' },
    json: { type: 'boolean' },
    ...dataDirOption,
    help: { type: 'boolean', short: 'h' },
  },
  help: [
    ['list', 'every installed model: name, kind, precision, native size, scheduler, size, source, id'],
    ['add DIR', 'remember a diffusers ONNX model folder where it lies (checked first: every problem is named)'],
    ['remove NAME', 'forget an imported folder; a folder in the data directory needs --delete-files'],
    ['default NAME', 'the model used when none is named (the app, the server and generate)'],
    ['--json', 'one JSON object per model'],
    dataDirHelp,
    ['-h, --help', 'show this help'],
  ],
  positionals: { min: 1, max: 2 },
} as const satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string }>>;

const arity: Record<string, number> = { list: 0, add: 1, remove: 1, default: 1 };

export async function runModels(argv: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommand(modelsSpec, argv);
  const [sub, ...args] = positionals;
  if (arity[sub] === undefined) throw new UsageError(`unknown subcommand '${sub}' (see studio models --help)`);
  if (args.length !== arity[sub])
    throw new UsageError(`${sub} takes ${arity[sub]} argument(s) (usage: studio ${modelsSpec.usage})`);
  if (v['delete-files'] && sub !== 'remove') throw new UsageError('option --delete-files applies to remove only');

  return withStudio(resolveDataDir(v.data), async ({ handlers }) => {
    const print = (m: ModelDetails) => io.out(v.json ? JSON.stringify(m) : describe(m));
    const printSummary = (m: ModelSummary) =>
      io.out(v.json ? JSON.stringify(m) : `${m.name}\t${m.source}${m.default ? '\tdefault' : ''}\t${m.id}`);
    switch (sub) {
      case 'list':
        (await handlers['models.details']({})).forEach(print);
        break;
      case 'add':
        print(await handlers['models.add']({ path: args[0] }));
        break;
      case 'remove': {
        const r = await handlers['models.remove']({ model: args[0], deleteFiles: v['delete-files'] === true });
        if (v.json) io.out(JSON.stringify(r));
        else io.out(`${r.deletedFiles ? 'deleted' : 'forgot'} ${args[0]}`);
        break;
      }
      default:
        (await handlers['models.setDefault']({ model: args[0] })).forEach(printSummary);
    }
    return 0;
  });
}

function describe(m: ModelDetails): string {
  const facts =
    m.problems.length > 0
      ? `BROKEN: ${m.problems.map((p) => `${p.file}: ${p.problem}`).join('; ')}`
      : [
          m.kind === 'sd2' ? 'SD 2.x' : 'SD 1.x',
          m.predictionType === 'v_prediction' ? 'v-prediction' : null,
          m.precision,
          `${m.nativeSize}px`,
          m.defaultScheduler,
        ]
          .filter(Boolean)
          .join(', ');
  const size = `${(m.sizeBytes / 2 ** 20).toFixed(1)} MiB`;
  return `${m.name}${m.default ? ' (default)' : ''}\t${facts}\t${size}\t${m.source}\t${m.id}`;
}
