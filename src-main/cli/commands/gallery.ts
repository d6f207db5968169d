// `studio gallery <subcommand>`: the gallery from a shell, on the same service (and studio.db) as the app.
import { UsageError, type CommandSpec } from '../args';
import { dataDirHelp, type CliIo } from '../io';
import { runList, runSearch, runShow } from './gallery-browse';
import { runDelete, runEmptyTrash, runExport, runImport, runRestore } from './gallery-files';
import { runReproduce } from './gallery-reproduce';

const subcommands: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  list: runList,
  search: runSearch,
  show: runShow,
  import: runImport,
  export: runExport,
  reproduce: runReproduce,
  delete: runDelete,
  restore: runRestore,
  'empty-trash': runEmptyTrash,
};

export const gallerySpec = {
  name: 'gallery',
  summary: 'Browse, search, import, export and reproduce the gallery.',
  usage: 'gallery <list|search|show|import|export|reproduce|delete|restore|empty-trash> …',
  options: {},
  help: [
    ['list', 'newest first   [--limit N] [--offset-id ID] [--trash] [--json]'],
    ['search QUERY', 'all words, "a phrase", prefix*, -excluded   [--model NAME] [--scheduler ID] [--favorite]'],
    ['', '[--board NAME] [--limit N] [--json]'],
    ['show ID', 'one record with its lineage   [--json]'],
    ['import DIR', 'PNGs of this studio, A1111, InvokeAI, ComfyUI, Fooocus (recursively)   [--json]'],
    ['export ID... --to DIR', 'PNGs with their metadata + manifest.json'],
    [
      'reproduce ID',
      'make it again and compare pixels (exit 1 if they differ)   [--model DIR] [--out FILE.png] [--json]',
    ],
    ['delete ID...', 'move to the trash (restore undoes it)'],
    ['restore ID...', 'bring back from the trash'],
    ['empty-trash', 'remove what is in the trash, files included'],
    ['--json', 'one JSON object per line: the app’s records, paths resolved to files'],
    dataDirHelp,
  ],
} as const satisfies CommandSpec<Record<string, never>>;

export async function runGallery(argv: string[], io: CliIo): Promise<number> {
  // `--data DIR` may come before the subcommand too.
  const at = argv[0] === '--data' ? 2 : argv[0]?.startsWith('--data=') ? 1 : 0;
  const name = argv[at];
  const rest = [...argv.slice(0, at), ...argv.slice(at + 1)];
  const sub = name === undefined ? undefined : subcommands[name];
  if (!sub) {
    throw new UsageError(
      name === undefined
        ? `missing subcommand (usage: studio ${gallerySpec.usage})`
        : `unknown subcommand '${name}' (see studio gallery --help)`,
    );
  }
  try {
    return await sub(rest, io);
  } catch (error) {
    // Option errors from the shared parsers name the option but not the subcommand.
    if (error instanceof UsageError && !error.message.startsWith('studio')) {
      throw new UsageError(`studio gallery ${name}: ${error.message}`);
    }
    throw error;
  }
}
