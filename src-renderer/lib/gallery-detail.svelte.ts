// One gallery record as the detail view shows it: the record with its lineage, the settings it can give back to the
// form, and what reproducing it found. Owned by the view that shows it (one per open detail).
import type { GalleryDetail, ReproduceResult, ReusableSettings } from '../../src-main/shared/gallery';
import type { ClientApi } from './api';
import { describeError } from './studio-state.svelte';

export class DetailState {
  detail = $state.raw<GalleryDetail | null>(null);
  /** Null while loading, or when the record's settings cannot be read back (e.g. its init image is gone). */
  settings = $state.raw<ReusableSettings | null>(null);
  error = $state<string | null>(null);
  reproducing = $state(false);
  reproduced = $state.raw<ReproduceResult | null>(null);
  reproduceError = $state<string | null>(null);
  private loading = 0;

  constructor(private readonly api: ClientApi) {}

  async load(id: number): Promise<void> {
    const ticket = ++this.loading;
    this.error = null;
    this.reproduced = null;
    this.reproduceError = null;
    const [detail, settings] = await Promise.allSettled([
      this.api.call('gallery.get', { id }),
      this.api.call('gallery.settings', { id }),
    ]);
    if (ticket !== this.loading) return; // another record was opened meanwhile
    this.detail = detail.status === 'fulfilled' ? detail.value : null;
    this.settings = settings.status === 'fulfilled' ? settings.value : null;
    if (detail.status === 'rejected') this.error = describeError(detail.reason);
  }

  /** Makes the image again and compares it with the stored one, pixel by pixel. */
  async reproduce(): Promise<void> {
    const id = this.detail?.record.id;
    if (id === undefined || this.reproducing) return;
    this.reproducing = true;
    this.reproduced = null;
    this.reproduceError = null;
    try {
      const result = await this.api.call('gallery.reproduce', { id });
      if (this.detail?.record.id === id) this.reproduced = result;
    } catch (error) {
      if (this.detail?.record.id === id) this.reproduceError = describeError(error);
    } finally {
      this.reproducing = false;
    }
  }
}
