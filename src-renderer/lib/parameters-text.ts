// A gallery record as A1111's `parameters` text: what "Copy settings" puts on the clipboard, for pasting into A1111,
// Forge, InvokeAI or a forum post. The same layout the studio writes into its PNGs.
import type { GalleryRecord } from '../../src-main/shared/gallery';
import { isSchedulerId, schedulerEntry } from '../../src-main/shared/schedulers';

/** Python's float repr, as A1111 writes numbers: 7 → "7.0". */
const pyFloat = (value: number) => (Number.isInteger(value) ? value.toFixed(1) : String(value));

/** A1111's quote(): values holding a comma, colon or newline become JSON strings. */
const quote = (value: string) => (/[,:\n]/.test(value) ? JSON.stringify(value) : value);

export function parametersText(record: GalleryRecord): string {
  const fields: [string, string | null][] = [
    ['Steps', record.steps === null ? null : String(record.steps)],
    [
      'Sampler',
      record.scheduler === null
        ? null
        : isSchedulerId(record.scheduler)
          ? schedulerEntry(record.scheduler).a1111
          : record.scheduler,
    ],
    ['CFG scale', record.guidance === null ? null : pyFloat(record.guidance)],
    ['Seed', record.seed],
    ['Size', `${record.width}x${record.height}`],
    ['Model hash', record.modelHash],
    ['Model', record.model === null ? null : quote(record.model)],
  ];
  if (record.batchSize > 1)
    fields.push(['Batch size', String(record.batchSize)], ['Batch pos', String(record.batchIndex)]);
  if (record.strength !== null) fields.push(['Denoising strength', pyFloat(record.strength)]);
  if (record.concepts.length > 0) {
    fields.push(['TI hashes', JSON.stringify(record.concepts.map((c) => `${c.trigger}: ${c.hash}`).join(', '))]);
  }
  const lines = [record.prompt];
  if (record.negative !== '') lines.push(`Negative prompt: ${record.negative}`);
  lines.push(
    fields
      .filter((field): field is [string, string] => field[1] !== null)
      .map(([key, value]) => `${key}: ${value}`)
      .join(', '),
  );
  return lines.join('\n');
}
