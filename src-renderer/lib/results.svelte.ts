// Finished images of this session, newest first, and the one shown large.
import type { Events } from '../../src-main/shared/contract';
import type { GalleryConcept, GalleryRecord } from '../../src-main/shared/gallery';
import type { JobSettings } from '../../src-main/shared/generation';
import { isScheduler } from './format';
import { without } from './gallery-query';
import type { Mode } from './generate-form.svelte';

export interface ResultImage {
  /** The media path: unique per image. */
  key: string;
  /** The gallery id of the saved image. */
  id: number;
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
  /** The large view shows the running job's progress or the selected result. */
  view = $state<'progress' | 'result'>('result');
  readonly selected = $derived(this.items.find((item) => item.key === this.selectedKey) ?? null);

  /** Adds a finished job's images in front and selects the first; `watching`: stay on the next job's progress. */
  add(event: Events['job.done'], mode: Mode, mediaUrl: (media: string) => string, watching = false): void {
    const images = event.images.map((image) => ({
      key: image.media,
      id: image.id,
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
    if (!watching) this.view = 'result';
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

  select(key: string): void {
    this.selectedKey = key;
    this.view = 'result';
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
