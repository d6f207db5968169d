// How a record's (or a dropped PNG's) settings read in the detail and PNG info views: one row per setting, each
// naming the form setting it can be used for.
import type { GalleryRecord, PngInfo, ReusableSettings } from '../../src-main/shared/gallery';
import { isSchedulerId, schedulerEntry } from '../../src-main/shared/schedulers';
import type { SettingName } from './generate-state.svelte';

export interface SettingRow {
  label: string;
  value: string;
  /** The form setting this row can fill (when the settings carry it). */
  use?: SettingName;
}

type Shown = Pick<
  GalleryRecord,
  'prompt' | 'negative' | 'seed' | 'steps' | 'guidance' | 'scheduler' | 'width' | 'height' | 'modelHash' | 'strength'
> & { model: string | null };

const sourceNames: Record<GalleryRecord['source'], string> = {
  studio: 'Diffusion Studio',
  a1111: 'AUTOMATIC1111',
  invokeai: 'InvokeAI',
  comfyui: 'ComfyUI',
  fooocus: 'Fooocus',
  unknown: 'Unknown',
};

export const sourceName = (source: GalleryRecord['source']): string => sourceNames[source];

const scheduler = (id: string | null) => (id === null ? null : isSchedulerId(id) ? schedulerEntry(id).label : id);

function rows(shown: Shown): SettingRow[] {
  const all: (SettingRow | null)[] = [
    { label: 'Prompt', value: shown.prompt || '(empty)', use: 'prompt' },
    shown.negative ? { label: 'Negative', value: shown.negative, use: 'negative' } : null,
    shown.seed !== null ? { label: 'Seed', value: shown.seed, use: 'seed' } : null,
    shown.steps !== null ? { label: 'Steps', value: String(shown.steps), use: 'steps' } : null,
    shown.guidance !== null ? { label: 'Guidance', value: String(shown.guidance), use: 'guidance' } : null,
    shown.scheduler !== null ? { label: 'Scheduler', value: scheduler(shown.scheduler)!, use: 'scheduler' } : null,
    { label: 'Size', value: `${shown.width}×${shown.height}`, use: 'size' },
    shown.strength !== null ? { label: 'Strength', value: String(shown.strength), use: 'strength' } : null,
    shown.model !== null || shown.modelHash !== null
      ? {
          label: 'Model',
          value: [shown.model, shown.modelHash && `(${shown.modelHash})`].filter(Boolean).join(' '),
          use: 'model',
        }
      : null,
  ];
  return all.filter((row): row is SettingRow => row !== null);
}

export function recordRows(record: GalleryRecord): SettingRow[] {
  const extra: SettingRow[] = [
    { label: 'Mode', value: record.strength !== null ? 'img2img' : 'txt2img' },
    ...(record.batchSize > 1 ? [{ label: 'Batch', value: `#${record.batchIndex + 1} of ${record.batchSize}` }] : []),
    ...(record.provider ? [{ label: 'Provider', value: record.provider }] : []),
    { label: 'Made', value: new Date(record.created).toLocaleString() },
    { label: 'Source', value: sourceName(record.source) },
  ];
  return [...rows(record), ...extra];
}

export function pngInfoRows(info: PngInfo): SettingRow[] {
  return [...rows(info), { label: 'Made with', value: sourceName(info.source) }];
}

/** Whether `settings` carries what a row's use button would put in the form. */
export function canUse(name: SettingName, settings: ReusableSettings): boolean {
  if (name === 'size') return settings.width !== undefined && settings.height !== undefined;
  if (name === 'prompt' || name === 'negative') return true;
  return settings[name] !== undefined;
}
