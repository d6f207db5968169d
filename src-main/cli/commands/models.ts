// `studio models <list|add|import|remove|default|download|export>`: the model library of the app's data directory.
import { modelDownloadSchema, type ModelDetails, type ModelImportProgress } from '../../shared/models';
import type { ModelSummary } from '../../shared/system-types';
import { parseCommand, UsageError, type CommandSpec } from '../args';
import { dataDirHelp, dataDirOption, resolveDataDir, type CliIo } from '../io';
import { withStudio } from '../studio-session';
import { downloadModel } from './models-hub';

export const modelsSpec = {
  name: 'models',
  summary:
    'List the installed models, add a model folder, import a checkpoint, remove one, choose the default; download, export.',
  usage:
    'models <list|add DIR|import FILE|remove NAME|default NAME|download REPO_ID|export NAME DIR> [--config C] [--fp16] ' +
    '[--tokenizer DIR] [--revision R] [--name NAME] [--delete-files] [--json]',
  options: {
    'delete-files': { type: 'boolean' },
    config: { type: 'string' },
    fp16: { type: 'boolean' },
    tokenizer: { type: 'string' },
    revision: { type: 'string' },
    name: { type: 'string' },
    json: { type: 'boolean' },
    ...dataDirOption,
    help: { type: 'boolean', short: 'h' },
  },
  help: [
    ['list', 'every installed model: name, kind (inpainting too), precision, native size, scheduler, size, source, id'],
    ['add DIR', 'remember a diffusers ONNX model folder where it lies (checked first: every problem is named)'],
    [
      'import FILE',
      'convert a single-file SD 1.x/2.x checkpoint (.safetensors, .ckpt) into a model of the data directory',
    ],
    ['--config C', 'import: a diffusers config folder or the LDM .yaml, for a non-standard checkpoint'],
    ['--fp16', 'import: store the weights as float16 (half the size)'],
    ['--name NAME', "import, download: the new model's name (default: the file's or the repository's name)"],
    ['--tokenizer DIR', 'import: where to copy the CLIP tokenizer from (default: an installed model with one)'],
    ['remove NAME', 'forget an imported folder; a folder in the data directory needs --delete-files'],
    ['default NAME', 'the model used when none is named (the app, the server and generate)'],
    ['download REPO_ID', 'a diffusers ONNX repository from the Hub (setting hubEndpoint), into the data directory;'],
    ['', 'resumes partial files, checks SHA-256; HF_TOKEN for gated repositories; Ctrl-C keeps partial files'],
    ['--revision R', 'download: a branch, tag or commit (default main)'],
    [
      'export NAME DIR',
      'write the model as a diffusers ONNX folder (new or empty DIR), with a card listing its concepts',
    ],
    ['--json', 'one JSON object per model'],
    dataDirHelp,
    ['-h, --help', 'show this help'],
  ],
  positionals: { min: 1, max: 3 },
} as const satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string }>>;

const arity: Record<string, number> = { list: 0, add: 1, import: 1, remove: 1, default: 1, download: 1, export: 2 };
/** The subcommands each option applies to. */
const optionScope = {
  config: ['import'],
  fp16: ['import'],
  tokenizer: ['import'],
  revision: ['download'],
  name: ['import', 'download'],
} as const;

export async function runModels(argv: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommand(modelsSpec, argv);
  const [sub, ...args] = positionals;
  if (arity[sub] === undefined) throw new UsageError(`unknown subcommand '${sub}' (see studio models --help)`);
  if (args.length !== arity[sub])
    throw new UsageError(`${sub} takes ${arity[sub]} argument(s) (usage: studio ${modelsSpec.usage})`);
  if (v['delete-files'] && sub !== 'remove') throw new UsageError('option --delete-files applies to remove only');
  for (const [option, subs] of Object.entries(optionScope))
    if (v[option as keyof typeof optionScope] !== undefined && !(subs as readonly string[]).includes(sub))
      throw new UsageError(`option --${option} applies to ${subs.join(' and ')} only`);
  const download = sub === 'download' ? downloadInput(args[0], v.revision, v.name) : null;

  return withStudio(resolveDataDir(v.data), async (studio) => {
    const { handlers, events } = studio;
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
      case 'import': {
        const stop = events.subscribe((event, payload) => {
          if (event !== 'models.importProgress') return;
          const p = payload as ModelImportProgress;
          // One line per stage and per tenth of the weights: readable in a log, alive on a terminal.
          const percent = p.totalBytes ? Math.floor((10 * p.doneBytes) / p.totalBytes) * 10 : 0;
          if (percent !== lastPercent || p.stage !== lastStage) io.error(`import ${p.stage} ${percent}%`);
          [lastPercent, lastStage] = [percent, p.stage];
        });
        let lastPercent = -1;
        let lastStage = '';
        try {
          print(
            await handlers['models.import']({
              path: args[0],
              config: v.config,
              precision: v.fp16 ? 'fp16' : 'fp32',
              name: v.name,
              tokenizer: v.tokenizer,
            }),
          );
        } finally {
          stop();
        }
        break;
      }
      case 'remove': {
        const r = await handlers['models.remove']({ model: args[0], deleteFiles: v['delete-files'] === true });
        if (v.json) io.out(JSON.stringify(r));
        else io.out(`${r.deletedFiles ? 'deleted' : 'forgot'} ${args[0]}`);
        break;
      }
      case 'download': {
        const isTty = process.stderr.isTTY === true;
        await downloadModel(studio, download!, {
          ...io,
          // A redrawn line on a terminal; plain lines (through io, like every message) otherwise.
          progress: (text) => (isTty ? process.stderr.write(text) : io.error(text.trimEnd())),
          isTty,
          json: v.json === true,
        });
        break;
      }
      case 'export': {
        const r = await handlers['models.export']({ model: args[0], dir: args[1] });
        io.out(v.json ? JSON.stringify(r) : `exported ${args[0]} to ${r.dir} (${r.files} files)`);
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
          m.inpainting ? 'inpainting' : null,
          m.precision,
          `${m.nativeSize}px`,
          m.defaultScheduler,
        ]
          .filter(Boolean)
          .join(', ');
  const size = `${(m.sizeBytes / 2 ** 20).toFixed(1)} MiB`;
  return `${m.name}${m.default ? ' (default)' : ''}\t${facts}\t${size}\t${m.source}\t${m.id}`;
}

/** The contract's schema, with its message, as a usage error: a bad repository id is the user's typo. */
function downloadInput(repo: string, revision: string | undefined, name: string | undefined) {
  const parsed = modelDownloadSchema.safeParse({ repo, revision, name });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = issue.path[0] === 'repo' ? 'REPO_ID' : `--${String(issue.path[0])}`;
    throw new UsageError(`${option}: ${issue.message}`);
  }
  return parsed.data;
}
