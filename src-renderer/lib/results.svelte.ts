// Finished images of this session, newest first, and the one shown large.
import type { Events } from '../../src-main/shared/contract';
import type { GalleryConcept, GalleryRecord } from '../../src-main/shared/gallery';
import type { JobSettings } from '../../src-main/shared/generation';
import type { CompareSide } from './compare-view';
import { isScheduler, schedulerLabel } from './format';
import { without } from './gallery-query';
import type { Mode } from './generate-form.svelte';

export interface ResultImage {
  /** The media path: unique per image. */
  key: string;
  /** The gallery id of the saved image. */
  id: number;
  /** Shared by the images of one batch (one job). */
  batchKey: string;
  url: string;
  seed: string;
  index: number;
  width: number;
  height: number;
  mode: Mode;
  settings: JobSettings;
  provider: string;
  totalMs: number;
  /** The concepts the job's prompts used (enabled, and named by their trigger). */
  concepts: GalleryConcept[];
}

export class ResultsState {
  items = $state.raw<ResultImage[]>([]);
  selectedKey = $state<string | null>(null);
  /**
   * The large view: the running job's progress, the selected result, every image of its batch, the selected result
   * against the one being compared, or the X/Y plot.
   */
  view = $state<'progress' | 'result' | 'batch' | 'compare' | 'plot'>('result');
  /** The result the selected one is compared with (side A). */
  compareKey = $state<string | null>(null);
  readonly selected = $derived(this.items.find((item) => item.key === this.selectedKey) ?? null);
  readonly compared = $derived(this.items.find((item) => item.key === this.compareKey) ?? null);
  /** The selected result's batch, in batch order. */
  readonly batch = $derived.by(() => {
    const key = this.selected?.batchKey;
    return key === undefined
      ? []
      : this.items.filter((item) => item.batchKey === key).sort((a, b) => a.index - b.index);
  });

  /** Adds a finished job's images in front and selects the first; `watching`: stay on the next job's progress. */
  add(event: Events['job.done'], mode: Mode, mediaUrl: (media: string) => string, watching = false): void {
    const images = event.images.map((image) => ({
      key: image.media,
      id: image.id,
      batchKey: event.jobId,
      url: mediaUrl(image.media),
      seed: image.seed,
      index: image.index,
      width: image.width,
      height: image.height,
      mode,
      settings: { ...event.settings, seed: image.seed },
      provider: event.provider,
      totalMs: event.timings.totalMs,
      concepts: event.concepts ?? [],
    }));
    this.items = [...images, ...this.items];
    this.selectedKey = images[0]?.key ?? this.selectedKey;
    if (!watching) this.view = images.length > 1 ? 'batch' : 'result';
  }

  /** The gallery's latest images (after a reload or a restart), behind any that arrived meanwhile. */
  restore(records: GalleryRecord[], mediaUrl: (media: string) => string): void {
    const restored = records
      .filter((r) => !this.items.some((item) => item.key === r.path))
      .map((r) => fromRecord(r, mediaUrl));
    this.items = [...this.items, ...restored];
    if (this.selectedKey === null && this.items.length > 0) this.selectedKey = this.items[0].key;
  }

  /** Images moved to the trash leave the strip. */
  drop(ids: number[]): void {
    this.items = without(this.items, ids);
    if (this.selectedKey !== null && !this.items.some((item) => item.key === this.selectedKey)) {
      this.selectedKey = this.items[0]?.key ?? null;
    }
  }

  /** Shows a result large; while comparing, it becomes side B. */
  select(key: string): void {
    this.selectedKey = key;
    if (this.view !== 'compare') this.view = 'result';
  }

  /** Starts comparing: `key` is side A, and the next result chosen is side B. */
  compareWith(key: string): void {
    this.compareKey = key;
    this.view = 'compare';
  }

  /** Arrow keys in the grid: the next (+1) or previous (−1) result. */
  step(offset: number): void {
    const at = this.items.findIndex((item) => item.key === this.selectedKey);
    const next = this.items[Math.min(this.items.length - 1, Math.max(0, at + offset))];
    if (next) this.select(next.key);
  }
}

/** A gallery record as a result: what the viewer shows and what reuse puts back in the form. */
export function fromRecord(r: GalleryRecord, mediaUrl: (media: string) => string): ResultImage {
  return {
    key: r.path,
    id: r.id,
    // The images of one batch were saved together: one creation time.
    batchKey: r.batchSize > 1 ? `${r.created}/${r.batchSize}` : r.path,
    url: mediaUrl(r.path),
    seed: r.seed ?? '',
    index: r.batchIndex,
    width: r.width,
    height: r.height,
    mode: r.initImage === null ? 'txt2img' : 'img2img',
    settings: {
      prompt: r.prompt,
      negative: r.negative,
      seed: r.seed ?? '',
      steps: r.steps ?? 0,
      guidance: r.guidance ?? 0,
      scheduler: isScheduler(r.scheduler) ? r.scheduler : 'euler',
      width: r.width,
      height: r.height,
      batch: r.batchSize,
      strength: r.strength,
      model: { name: r.model ?? 'unknown', hash: r.modelHash ?? '' },
    },
    provider: r.provider ?? 'unknown',
    totalMs: r.timings?.totalMs ?? Number.NaN,
    // A listed record does not carry its concepts (gallery.get does): Details shows them for older images.
    concepts: [],
  };
}

/** A result as one side of the compare view: its picture and what sets it apart. */
export function compareSide(side: 'A' | 'B', item: ResultImage): CompareSide {
  const s = item.settings;
  return {
    url: item.url,
    // Images of one batch share their settings: the batch position tells them apart.
    label: `${side} · seed ${item.seed}${s.batch > 1 ? ` #${item.index + 1}` : ''}, ${schedulerLabel(s.scheduler)}, ${
      s.steps
    } steps, guidance ${s.guidance}`,
    width: item.width,
    height: item.height,
  };
}
