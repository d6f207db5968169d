// What the `studio gallery` subcommands share: opening the data directory's gallery, ids as arguments, and records
// printed as one JSON object per line (the app's records, with paths made into files) or one readable line.
import path from 'node:path';
import type { GalleryRecord } from '../../shared/gallery';
import type { Studio, StudioOptions } from '../../studio';
import { UsageError } from '../args';
import type { CliIo } from '../io';
import { withStudio } from '../studio-session';

/** Runs `use` on the gallery of `dataDir`, closing the studio whatever happens. */
export function withGallery<T>(
  dataDir: string,
  use: (gallery: Studio['gallery']) => Promise<T> | T,
  options: Pick<StudioOptions, 'reproduceWith' | 'log'> = {},
): Promise<T> {
  return withStudio(dataDir, (studio) => use(studio.gallery), options);
}

/** `12` or `"12"` (ids are printed as JSON numbers or strings, and accepted back either way). */
export function parseId(raw: string): number {
  const bare = raw.replace(/^"(.*)"$/, '$1');
  if (!/^\d{1,15}$/.test(bare) || Number(bare) === 0) throw new UsageError(`'${raw}' is not a gallery id`);
  return Number(bare);
}

/** The record as the app has it, its media paths resolved to files so that scripts can open them. */
export function cliRecord(record: GalleryRecord, dataDir: string) {
  const file = (media: string) => path.join(dataDir, ...media.split('/'));
  return {
    ...record,
    path: file(record.path),
    thumb: file(record.thumb),
    initImage: record.initImage && file(record.initImage),
  };
}

export function printRecords(io: CliIo, records: GalleryRecord[], dataDir: string, json: boolean): void {
  for (const record of records) {
    if (json) io.out(JSON.stringify(cliRecord(record, dataDir)));
    else io.out(summaryLine(record));
  }
}

function summaryLine(r: GalleryRecord): string {
  const flags = [
    r.favorite ? '★' : '',
    r.rating ? `${r.rating}/5` : '',
    r.missing ? 'MISSING' : '',
    r.trashed ? 'trash' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const prompt = r.prompt.replace(/\s+/g, ' ').slice(0, 70);
  const recipe = [r.model ?? '?', r.scheduler ?? '?', `seed ${r.seed ?? '?'}`, `${r.width}x${r.height}`].join(', ');
  return `${r.id}\t${r.created.slice(0, 19).replace('T', ' ')}\t${recipe}\t${prompt}${flags ? `\t${flags}` : ''}`;
}
