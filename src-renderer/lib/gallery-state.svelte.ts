// The gallery view: the listing (keyset pages, loaded as the grid scrolls), its count, facets and boards, the
// selection, the record open in detail, and what the selection's actions do. Live: jobs' images and other views'
// changes arrive as gallery events.
import { tick } from 'svelte';
import { SvelteSet } from 'svelte/reactivity';
import type { Board, GalleryFacets, GalleryRecord } from '../../src-main/shared/gallery';
import { contextSlot } from './context';
import {
  idsBetween,
  mergedNewest,
  noFilters,
  replaced,
  showsEverythingNewestFirst,
  toQuery,
  without,
  type GalleryFilters,
} from './gallery-query';
import { describeError, type StudioState } from './studio-state.svelte';

/** The first page is small, for a quick first screen; later ones are larger, to keep ahead of fast scrolling. */
const firstPage = 100;
const nextPage = 300;
/** The contract's limit for one action. */
const mostPerAction = 10_000;
const typingPauseMs = 150;
const sideDataPauseMs = 1000;

export class GalleryState {
  filters = $state<GalleryFilters>({ ...noFilters });
  items = $state.raw<GalleryRecord[]>([]);
  /** Records the filters match; null until counted. */
  total = $state<number | null>(null);
  loading = $state(false);
  /** Milliseconds from asking for a new listing to showing it. */
  lastQueryMs = $state<number | null>(null);
  facets = $state.raw<GalleryFacets | null>(null);
  boards = $state.raw<Board[]>([]);
  /** Ids of the selected records. */
  readonly selected = new SvelteSet<number>();
  /** The position the keyboard acts on (the listbox's active option). */
  focus = $state(0);
  /** The record shown in detail, if any. */
  openId = $state<number | null>(null);
  /** Bumped when the active position should be scrolled into view (keyboard and clicks, not new arrivals). */
  reveal = $state(0);
  /** The last move to the trash, while it can be undone. */
  trashed = $state.raw<number[] | null>(null);

  readonly selection = $derived(this.items.filter((r) => this.selected.has(r.id)));
  private cursor: string | null = null;
  private started = false;
  /** Bumped by each new listing: pages of an older one are dropped when they arrive. */
  private generation = 0;
  private typing: ReturnType<typeof setTimeout> | undefined;
  /** Where a Shift-click range starts: a record id. */
  private anchor: number | null = null;
  private sideDataTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly studio: StudioState) {
    const api = studio.api;
    api.on('gallery.added', ({ records }) => this.added(records));
    api.on('gallery.updated', ({ records }) => this.updated(records));
    api.on('gallery.removed', ({ ids }) => this.removed(ids));
  }

  /** The first time the view opens: the listing, its facets and the boards. */
  start(): void {
    if (this.started) return;
    this.started = true;
    // The first screen first: the facets' counts read the whole table.
    void this.refresh().then(() => this.loadSideData());
  }

  /** Filters changed: a new listing from the top. */
  async refresh(): Promise<void> {
    clearTimeout(this.typing);
    const generation = ++this.generation;
    const started = performance.now();
    this.loading = true;
    try {
      const query = toQuery(this.filters, firstPage);
      const [page, { count }] = await Promise.all([
        this.studio.api.call('gallery.list', query),
        this.studio.api.call('gallery.count', query),
      ]);
      if (generation !== this.generation) return;
      this.items = page.items;
      this.cursor = page.nextCursor;
      this.total = count;
      this.selected.clear();
      this.focus = 0;
      this.anchor = null;
      await tick();
      this.lastQueryMs = Math.round(performance.now() - started);
    } catch (error) {
      if (generation === this.generation) this.fail('Could not list the gallery', error);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  /** The search box: a new listing once typing pauses (Enter asks at once). */
  search(text: string, now = false): void {
    this.filters.text = text;
    clearTimeout(this.typing);
    if (now) void this.refresh();
    else this.typing = setTimeout(() => void this.refresh(), typingPauseMs);
  }

  setFilters(patch: Partial<GalleryFilters>): void {
    Object.assign(this.filters, patch);
    void this.refresh();
  }

  /** Loads pages until position `index` is in the listing (or the listing ends). */
  async ensure(index: number): Promise<void> {
    if (this.loading || this.cursor === null || index < this.items.length) return;
    const generation = this.generation;
    this.loading = true;
    try {
      const page = await this.studio.api.call('gallery.list', toQuery(this.filters, nextPage, this.cursor));
      if (generation !== this.generation) return;
      this.items = [...this.items, ...page.items];
      this.cursor = page.nextCursor;
    } catch (error) {
      this.fail('Could not list the gallery', error);
      return;
    } finally {
      if (generation === this.generation) this.loading = false;
    }
    if (index >= this.items.length) await this.ensure(index);
  }

  // Selection: click, Ctrl/⌘-click, Shift-click, the keyboard, select all.

  click(index: number, modifiers: { shift?: boolean; toggle?: boolean } = {}): void {
    const record = this.items[index];
    if (!record) return;
    if (modifiers.shift) {
      this.select(
        idsBetween(
          this.items.map((r) => r.id),
          Math.max(
            0,
            this.items.findIndex((r) => r.id === this.anchor),
          ),
          index,
        ),
      );
    } else if (modifiers.toggle) {
      if (!this.selected.delete(record.id)) this.selected.add(record.id);
      this.anchor = record.id;
    } else {
      this.select([record.id]);
      this.anchor = record.id;
    }
    this.focus = index;
    this.reveal++;
  }

  /** Arrow keys: moves the active position; with Shift the selection grows from the anchor. */
  move(offset: number, extend = false): void {
    const last = (this.total ?? this.items.length) - 1;
    const index = Math.max(0, Math.min(last, this.focus + offset));
    void this.ensure(index).then(() => this.click(index, { shift: extend }));
    this.focus = index;
    this.reveal++;
  }

  /** Everything the filters match, up to what one action takes. */
  async selectAll(): Promise<void> {
    await this.ensure(Math.min(this.total ?? 0, mostPerAction) - 1);
    this.select(this.items.slice(0, mostPerAction).map((r) => r.id));
    if ((this.total ?? 0) > mostPerAction) {
      this.studio.notify({ level: 'info', message: `Selected the first ${mostPerAction.toLocaleString()}` });
    }
  }

  clearSelection(): void {
    this.selected.clear();
  }

  private select(ids: number[]): void {
    this.selected.clear();
    for (const id of ids) this.selected.add(id);
  }

  /** The ids actions apply to: the selection, else the active record. */
  targets(): number[] {
    if (this.selected.size > 0) return [...this.selected];
    const active = this.items[this.focus];
    return active ? [active.id] : [];
  }

  // Actions on the selection.

  async toggleFavorite(): Promise<void> {
    const ids = this.targets();
    const records = this.items.filter((r) => ids.includes(r.id));
    await this.update({ ids, favorite: !records.every((r) => r.favorite) });
    this.sideDataLater();
  }

  async rate(rating: number | null): Promise<void> {
    await this.update({ ids: this.targets(), rating });
  }

  async addTag(tag: string): Promise<void> {
    if (!tag.trim()) return;
    await this.update({ ids: this.targets(), addTags: [tag.trim()] });
    await this.loadSideData();
  }

  async removeTag(tag: string): Promise<void> {
    await this.update({ ids: this.targets(), removeTags: [tag] });
    await this.loadSideData();
  }

  async addToBoard(board: number): Promise<void> {
    await this.update({ ids: this.targets(), addBoards: [board] });
    await this.loadSideData();
  }

  async trash(): Promise<void> {
    const ids = this.targets();
    if (ids.length === 0 || this.filters.trash) return;
    const next = this.focus;
    try {
      const { trashed } = await this.studio.api.call('gallery.delete', { ids });
      this.trashed = trashed;
      this.removed(trashed);
      this.focus = Math.min(next, Math.max(0, this.items.length - 1));
    } catch (error) {
      this.fail('Could not move to the trash', error);
    }
  }

  /** Undo the last move to the trash. */
  async undoTrash(): Promise<void> {
    const ids = this.trashed;
    if (!ids) return;
    this.trashed = null;
    await this.restore(ids);
  }

  async restore(ids = this.targets()): Promise<void> {
    try {
      const { restored } = await this.studio.api.call('gallery.restore', { ids });
      // They leave the trash; other listings take them as they are announced (gallery.added).
      if (this.filters.trash) this.removed(restored);
    } catch (error) {
      this.fail('Could not restore', error);
    }
  }

  async emptyTrash(): Promise<void> {
    try {
      const { removed } = await this.studio.api.call('gallery.emptyTrash', {});
      this.trashed = null;
      this.studio.notify({ level: 'info', message: `Deleted ${removed.length} for good` });
      await this.refresh();
      await this.loadSideData();
    } catch (error) {
      this.fail('Could not empty the trash', error);
    }
  }

  /** PNG files with their metadata, into exports/ in the data directory. */
  async exportSelection(): Promise<void> {
    try {
      const { folder, files } = await this.studio.api.call('gallery.export', { ids: this.targets() });
      const where = this.studio.info ? `${this.studio.info.dataDir}/${folder}` : folder;
      const images = files.filter((file) => file.toLowerCase().endsWith('.png')).length;
      this.studio.notify({ level: 'info', message: `Exported ${images} PNG files with their settings to ${where}` });
    } catch (error) {
      this.fail('Could not export', error);
    }
  }

  /** The same files into a folder the user chooses with the native picker (desktop only). */
  async exportToFolder(): Promise<void> {
    try {
      const result = await this.studio.api.call('gallery.exportTo', { ids: this.targets() });
      if (result.cancelled) return;
      const images = result.files.filter((file) => file.toLowerCase().endsWith('.png')).length;
      this.studio.notify({
        level: 'info',
        message: `Exported ${images} PNG files with their settings to ${result.folder}`,
      });
    } catch (error) {
      this.fail('Could not export', error);
    }
  }

  // Boards.

  async createBoard(name: string): Promise<void> {
    await this.boardCall(() => this.studio.api.call('boards.create', { name }), 'Could not create the board');
  }

  async renameBoard(id: number, name: string): Promise<void> {
    await this.boardCall(() => this.studio.api.call('boards.rename', { id, name }), 'Could not rename the board');
  }

  async deleteBoard(id: number): Promise<void> {
    await this.boardCall(() => this.studio.api.call('boards.delete', { id }), 'Could not delete the board');
    if (this.filters.board === id) this.setFilters({ board: null });
  }

  /** Counts change with each new image: read them again once a burst of changes is over. */
  private sideDataLater(): void {
    clearTimeout(this.sideDataTimer);
    this.sideDataTimer = setTimeout(() => void this.loadSideData(), sideDataPauseMs);
  }

  async loadSideData(): Promise<void> {
    try {
      [this.boards, this.facets] = await Promise.all([
        this.studio.api.call('boards.list', {}),
        this.studio.api.call('gallery.facets', {}),
      ]);
    } catch (error) {
      this.fail('Could not read the boards', error);
    }
  }

  private async boardCall(call: () => Promise<unknown>, failure: string): Promise<void> {
    try {
      await call();
      await this.loadSideData();
    } catch (error) {
      this.fail(failure, error);
    }
  }

  private async update(update: { ids: number[] } & Record<string, unknown>): Promise<void> {
    if (update.ids.length === 0) return;
    try {
      this.updated(await this.studio.api.call('gallery.update', update));
    } catch (error) {
      this.fail('Could not change the selection', error);
    }
  }

  // Live changes.

  private added(records: GalleryRecord[]): void {
    // New and restored records are never in the trash.
    if (!this.started || this.filters.trash) return;
    if (showsEverythingNewestFirst(this.filters)) {
      const focused = this.items[this.focus]?.id;
      const before = this.items.length;
      this.items = mergedNewest(this.items, records, this.cursor === null);
      this.total = (this.total ?? 0) + this.items.length - before;
      // The keyboard stays on the record it was on.
      const at = this.items.findIndex((r) => r.id === focused);
      if (at >= 0) this.focus = at;
    } else {
      void this.refresh();
    }
    this.sideDataLater();
  }

  private updated(records: GalleryRecord[]): void {
    this.items = replaced(this.items, records);
  }

  private removed(ids: number[]): void {
    const before = this.items.length;
    this.items = without(this.items, ids);
    const dropped = before - this.items.length;
    if (this.total !== null) this.total = Math.max(0, this.total - dropped);
    for (const id of ids) this.selected.delete(id);
    if (this.openId !== null && ids.includes(this.openId)) this.openId = null;
    if (this.started) this.sideDataLater();
  }

  private fail(what: string, error: unknown): void {
    this.studio.notify({ level: 'error', message: `${what}: ${describeError(error)}` });
  }
}

export const gallerySlot = contextSlot<GalleryState>('GalleryState');
export const useGallery = gallerySlot.use;
