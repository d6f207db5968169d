// `studio gallery import | export | delete | restore | empty-trash`.
import path from 'node:path';
import { parseCommand, UsageError, type CommandSpec } from '../args';
import { dataDirOption, resolveDataDir, type CliIo } from '../io';
import { parseId, printRecords, withGallery } from './gallery-shared';

type Spec = CommandSpec<Record<string, { type: 'string' | 'boolean' }>>;

export const importSpec = {
  name: 'gallery import',
  summary: 'Import a folder of PNGs (recursively).',
  usage: 'gallery import DIR [--json]',
  options: { json: { type: 'boolean' }, ...dataDirOption },
  help: [],
  positionals: { min: 1, max: 1 },
} as const satisfies Spec;

export const exportSpec = {
  name: 'gallery export',
  summary: 'Copy records’ PNGs with a manifest.json to a folder.',
  usage: 'gallery export ID... --to DIR',
  options: { to: { type: 'string' }, ...dataDirOption },
  help: [],
  positionals: { min: 1, max: 10_000 },
} as const satisfies Spec;

const idsSpec = (name: string, summary: string) =>
  ({
    name: `gallery ${name}`,
    summary,
    usage: `gallery ${name} ID...`,
    options: { ...dataDirOption },
    help: [],
    positionals: { min: 1, max: 10_000 },
  }) as const satisfies Spec;

export const deleteSpec = idsSpec('delete', 'Move records to the trash.');
export const restoreSpec = idsSpec('restore', 'Bring records back from the trash.');
export const emptyTrashSpec = {
  name: 'gallery empty-trash',
  summary: 'Remove what is in the trash, files included, for good.',
  usage: 'gallery empty-trash',
  options: { ...dataDirOption },
  help: [],
} as const satisfies Spec;

export async function runImport(argv: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommand(importSpec, argv);
  const dataDir = resolveDataDir(v.data);
  await withGallery(dataDir, async (gallery) => {
    const summary = await gallery.importFolder(positionals[0]);
    for (const failure of summary.failed) io.error(`studio gallery import: ${failure.file}: ${failure.error}`);
    if (v.json) {
      printRecords(io, gallery.records(summary.ids), dataDir, true);
      io.out(JSON.stringify({ imported: summary.imported, skipped: summary.skipped, failed: summary.failed }));
    } else {
      io.out(
        `imported ${summary.imported}, skipped ${summary.skipped} (already in the gallery), failed ${summary.failed.length}`,
      );
    }
  });
  return 0;
}

export async function runExport(argv: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommand(exportSpec, argv);
  if (v.to === undefined) throw new UsageError('option --to is required');
  const ids = positionals.map(parseId);
  await withGallery(resolveDataDir(v.data), (gallery) => {
    const report = gallery.export(ids, path.resolve(v.to!));
    for (const id of report.missing) io.error(`studio gallery export: record ${id}: its image file is missing`);
    for (const file of report.files) io.out(path.join(report.folder, file));
  });
  return 0;
}

export async function runDelete(argv: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommand(deleteSpec, argv);
  const ids = positionals.map(parseId);
  await withGallery(resolveDataDir(v.data), (gallery) =>
    gallery.delete(ids).trashed.forEach((id) => io.out(String(id))),
  );
  return 0;
}

export async function runRestore(argv: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommand(restoreSpec, argv);
  const ids = positionals.map(parseId);
  await withGallery(resolveDataDir(v.data), (gallery) =>
    gallery.restore(ids).restored.forEach((id) => io.out(String(id))),
  );
  return 0;
}

export async function runEmptyTrash(argv: string[], io: CliIo): Promise<number> {
  const { values: v } = parseCommand(emptyTrashSpec, argv);
  await withGallery(resolveDataDir(v.data), (gallery) =>
    gallery.emptyTrash().removed.forEach((id) => io.out(String(id))),
  );
  return 0;
}
