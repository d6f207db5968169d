// What the gallery view's search box and facets hold, and the contract query they make.
import type { GalleryQuery, GalleryRecord, gallerySorts } from '../../src-main/shared/gallery';

export interface GalleryFilters {
  /** The service's search syntax: words, "a phrase", prefix*, -excluded (prompt and negative prompt). */
  text: string;
  sort: (typeof gallerySorts)[number];
  model: string;
  scheduler: string;
  /** `WIDTHxHEIGHT`, or '' for any size. */
  size: string;
  /** `YYYY-MM-DD` (local days, both included), or ''. */
  from: string;
  to: string;
  mode: '' | 'txt2img' | 'img2img';
  concept: string;
  favorite: boolean;
  /** 0: any rating. */
  minRating: number;
  tag: string;
  board: number | null;
  trash: boolean;
}

/** The facets the search bar offers, all cleared ("Clear filters" resets these, not the search text or board). */
export const noFacets = {
  model: '',
  scheduler: '',
  size: '',
  from: '',
  to: '',
  mode: '',
  concept: '',
  favorite: false,
  minRating: 0,
  tag: '',
} satisfies Partial<GalleryFilters>;

export const noFilters: GalleryFilters = { text: '', sort: 'newest', ...noFacets, board: null, trash: false };

/** Whether any facet is set. */
export const hasFacets = (filters: GalleryFilters): boolean =>
  (Object.keys(noFacets) as (keyof typeof noFacets)[]).some((key) => filters[key] !== noFacets[key]);

const dayMs = 86_400_000;

/** The start of a local day, in epoch milliseconds; null for an empty or malformed date. */
function localDay(date: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const ms = new Date(`${date}T00:00:00`).getTime();
  return Number.isFinite(ms) ? ms : null;
}

export function toQuery(f: GalleryFilters, limit: number, cursor?: string): GalleryQuery {
  const q: GalleryQuery = { sort: f.sort, limit, trash: f.trash };
  if (cursor) q.cursor = cursor;
  if (f.text.trim()) q.query = f.text.trim();
  if (f.model) q.model = f.model;
  if (f.scheduler) q.scheduler = f.scheduler;
  const size = /^(\d+)x(\d+)$/.exec(f.size);
  if (size) [q.width, q.height] = [Number(size[1]), Number(size[2])];
  const from = localDay(f.from);
  if (from !== null) q.from = from;
  const to = localDay(f.to);
  // The last day is included: the contract's `to` is exclusive.
  if (to !== null) q.to = to + dayMs;
  if (f.mode) q.hasInitImage = f.mode === 'img2img';
  if (f.concept) q.concept = f.concept;
  if (f.favorite) q.favorite = true;
  if (f.minRating > 0) q.minRating = f.minRating;
  if (f.tag.trim()) q.tag = f.tag.trim();
  if (f.board !== null) q.board = f.board;
  return q;
}

/** Whether a newly made image belongs at the top of this listing without asking the service. */
export function showsEverythingNewestFirst(f: GalleryFilters): boolean {
  return JSON.stringify({ ...f, text: f.text.trim() }) === JSON.stringify(noFilters);
}

/** The ids between two positions of the listing, both included (shift-click). */
export function idsBetween(ids: readonly number[], a: number, b: number): number[] {
  const [low, high] = a <= b ? [a, b] : [b, a];
  return ids.slice(Math.max(0, low), high + 1);
}

/**
 * A newest-first listing with records that arrived (new images, or ones back from the trash) put in their places by
 * id. Past the end of a partly loaded listing they are left to the pages still to come.
 */
export function mergedNewest(
  shown: readonly GalleryRecord[],
  records: readonly GalleryRecord[],
  complete: boolean,
): GalleryRecord[] {
  const known = new Set(shown.map((r) => r.id));
  const last = shown.at(-1)?.id ?? 0;
  const fresh = records.filter((r) => !known.has(r.id) && !r.trashed && (complete || r.id > last));
  return [...shown, ...fresh].sort((a, b) => b.id - a.id);
}

/** The listing with changed records in place of their old versions. */
export function replaced(shown: readonly GalleryRecord[], records: readonly GalleryRecord[]): GalleryRecord[] {
  const changed = new Map(records.map((r) => [r.id, r]));
  return shown.map((r) => changed.get(r.id) ?? r);
}

export function without<T extends { id: number }>(shown: readonly T[], ids: readonly number[]): T[] {
  const gone = new Set(ids);
  return shown.filter((r) => !gone.has(r.id));
}
