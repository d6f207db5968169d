// Finished images of this session, newest first, and the one shown large.
import type { Events } from '../../src-main/shared/contract';
import type { GalleryConcept } from '../../src-main/shared/gallery';
import type { JobSettings } from '../../src-main/shared/generation';
import type { Mode } from './generate-form.svelte';

export interface ResultImage {
  /** The media path: unique per image. */
  key: string;
  /** The image's gallery id. */
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
