// `studio gallery list | search | show`: the records the app shows, newest first.
import { galleryQuerySchema, gallerySearchSchema } from '../../shared/gallery';
import { intOption, parseCommand, UsageError, type CommandSpec } from '../args';
import { checkWithContract } from '../contract-options';
import { dataDirOption, resolveDataDir, type CliIo } from '../io';
import { cliRecord, parseId, printRecords, withGallery } from './gallery-shared';

type Spec = CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string }>>;

export const listSpec = {
  name: 'gallery list',
  summary: 'List the gallery, newest first.',
  usage: 'gallery list [--limit N] [--offset-id ID] [--trash] [--json]',
  options: {
    limit: { type: 'string' },
    'offset-id': { type: 'string' },
    trash: { type: 'boolean' },
    json: { type: 'boolean' },
    ...dataDirOption,
  },
  help: [],
} as const satisfies Spec;

export const searchSpec = {
  name: 'gallery search',
  summary: 'Full-text search over prompt and negative prompt.',
  usage: 'gallery search QUERY [--model NAME] [--scheduler ID] [--favorite] [--board NAME] [--limit N] [--json]',
  options: {
    model: { type: 'string' },
    scheduler: { type: 'string' },
    favorite: { type: 'boolean' },
    board: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
    ...dataDirOption,
  },
  help: [],
  positionals: { min: 1, max: 1 },
} as const satisfies Spec;

export const showSpec = {
  name: 'gallery show',
  summary: 'One record, with its lineage.',
  usage: 'gallery show ID [--json]',
  options: { json: { type: 'boolean' }, ...dataDirOption },
  help: [],
  positionals: { min: 1, max: 1 },
} as const satisfies Spec;

const limitOf = (raw: string | undefined) => intOption('limit', raw, 1, 500) ?? 100;

export async function runList(argv: string[], io: CliIo): Promise<number> {
  const { values: v } = parseCommand(listSpec, argv);
  const limit = limitOf(v.limit);
  const after = v['offset-id'] === undefined ? undefined : parseId(v['offset-id']);
  const dataDir = resolveDataDir(v.data);
  const query = checkWithContract(
    galleryQuerySchema,
    {
      limit,
      trash: v.trash === true,
      cursor: after === undefined ? undefined : `newest.0.${after}`,
    },
    { cursor: 'option --offset-id' },
  );
  await withGallery(dataDir, (gallery) => printRecords(io, gallery.list(query).items, dataDir, v.json === true));
  return 0;
}

export async function runSearch(argv: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommand(searchSpec, argv);
  if (positionals[0].trim() === '') throw new UsageError('QUERY must not be empty');
  const dataDir = resolveDataDir(v.data);
  const query = checkWithContract(
    gallerySearchSchema,
    {
      query: positionals[0],
      model: v.model,
      scheduler: v.scheduler,
      favorite: v.favorite ? true : undefined,
      board: v.board,
      limit: limitOf(v.limit),
    },
    { query: 'QUERY' },
  );
  await withGallery(dataDir, (gallery) => printRecords(io, gallery.list(query).items, dataDir, v.json === true));
  return 0;
}

export async function runShow(argv: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommand(showSpec, argv);
  const id = parseId(positionals[0]);
  const dataDir = resolveDataDir(v.data);
  await withGallery(dataDir, (gallery) => {
    const { record, ancestors, children } = gallery.get(id);
    const lineage = { ancestors: ancestors.map((r) => r.id), children: children.map((r) => r.id) };
    if (v.json) return io.out(JSON.stringify({ ...cliRecord(record, dataDir), ...lineage }));
    for (const [key, value] of Object.entries({ ...cliRecord(record, dataDir), ...lineage })) {
      io.out(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
    }
  });
  return 0;
}
