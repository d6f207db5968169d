// `npm run bench`: the gallery on 100,000 generations — opening with the first page of 100, searches, inserts —
// against the targets of the gallery issue (medians: open + first page ≤ 50 ms, search ≤ 30 ms, insert ≤ 5 ms).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGallery, openStudioDb, type NewGeneration } from '../../src-main/gallery';
import { galleryQuerySchema, type GalleryQuery } from '../../src-main/shared/gallery';

export interface GalleryBenchRow {
  operation: string;
  runs: number;
  p50: number;
  p95: number;
  targetMs: number | null;
}

const common =
  'red blue green golden cat dog fox castle portrait oil painting landscape masterpiece detailed forest city night sunset river mountain'.split(
    ' ',
  );
const syllables = ['ka', 'lo', 'mi', 'ra', 'te', 'su', 'no', 'vi', 'de', 'ba', 'ze', 'pu', 'fa', 'gi', 'ho'];

/** Deterministic prompts: half the words from a small common set, half from a 3,000-word tail (Zipf-like). */
function promptMaker(seed: number) {
  let s = seed;
  const random = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const word = (i: number) =>
    syllables[i % 15] + syllables[Math.floor(i / 15) % 15] + syllables[Math.floor(i / 225) % 15];
  const pick = () =>
    random() < 0.5 ? common[Math.floor(random() * common.length)] : word(Math.floor(random() ** 2 * 3000));
  return { random, words: (n: number) => Array.from({ length: n }, pick).join(' ') };
}

/** `thumb`: where row i's thumbnail is (default: its own, absent, file). */
export function seedGallery(dataDir: string, count: number, thumb?: (i: number) => string): number {
  const db = openStudioDb(dataDir);
  const gallery = createGallery({ db, dataDir });
  const { random, words } = promptMaker(42);
  const started = performance.now();
  const start = Date.UTC(2025, 0, 1);
  const rows: NewGeneration[] = [];
  const ratings: number[] = [];
  for (let i = 0; i < count; i++) {
    const month = new Date(start + i * 300_000).toISOString().slice(0, 7);
    rows.push({
      created: start + i * 300_000,
      source: i % 50 === 0 ? 'a1111' : 'studio',
      metadata: 'complete',
      path: `gallery/${month}/bench-${i}.png`,
      thumb: thumb?.(i) ?? `gallery/${month}/bench-${i}.thumb.png`,
      fileHash: `f${i}`,
      pixelHash: `p${i}`,
      prompt: words(8 + Math.floor(random() * 24)),
      negative: words(3),
      seed: String(Math.floor(random() * 2 ** 32)),
      batchIndex: 0,
      batchSize: 1,
      steps: 20,
      guidance: 7.5,
      scheduler: ['euler-a', 'dpmpp-2m-karras', 'ddim', 'pndm'][i % 4],
      width: i % 3 === 0 ? 768 : 512,
      height: 512,
      modelName: ['sd15', 'dreamshaper', 'tiny-shapes'][i % 3],
      modelHash: ['a1', 'b2', 'c3'][i % 3],
      strength: i % 10 === 0 ? 0.6 : null,
      initImage: i % 10 === 0 ? `gallery/inits/${i % 97}.png` : null,
      parentId: null,
      provider: 'cpu',
      timings: { totalMs: 3000, denoiseMs: 2800 },
      concepts: i % 25 === 0 ? [{ trigger: 'cat-toy', hash: 'c0ffee' }] : [],
    });
    ratings.push(random() < 0.05 ? 1 + (i % 5) : 0);
  }
  const ids = gallery.bulkInsert(rows);
  // About 5 % favourites, rated 1–5: one update per rating, in slices the contract accepts.
  for (let rating = 1; rating <= 5; rating++) {
    const rated = ids.filter((_, i) => ratings[i] === rating);
    for (let i = 0; i < rated.length; i += 10_000) {
      gallery.update({ ids: rated.slice(i, i + 10_000), favorite: true, rating });
    }
  }
  const ms = performance.now() - started;
  db.close();
  return ms;
}

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p95: at(0.95) };
}

function measure(operation: string, runs: number, targetMs: number | null, task: (i: number) => void): GalleryBenchRow {
  task(0); // warm-up: statements prepared, pages in the OS cache
  const samples: number[] = [];
  for (let i = 1; i <= runs; i++) {
    const t = performance.now();
    task(i);
    samples.push(performance.now() - t);
  }
  return { operation, runs, targetMs, ...percentiles(samples) };
}

export const benchSearches: GalleryQuery[] = [
  { query: 'castle' },
  { query: 'red fox' },
  { query: '"oil painting"' },
  { query: 'mou*' },
  { query: 'cat -dog' },
  { query: 'forest', model: 'sd15', favorite: true },
  { query: 'kalomi' },
  { query: 'night', sort: 'rating' },
];

export function runGalleryBench(count = 100_000): { seedMs: number; rows: GalleryBenchRow[] } {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gallery-bench-'));
  try {
    const seedMs = seedGallery(dataDir, count);
    const rows: GalleryBenchRow[] = [];
    const openFirstPage = () => {
      const db = openStudioDb(dataDir);
      createGallery({ db, dataDir }).list(galleryQuerySchema.parse({ limit: 100 }));
      db.close();
    };
    // The very first open after 100,000 new rows also builds the planner's statistics.
    const first = performance.now();
    openFirstPage();
    const firstMs = performance.now() - first;
    rows.push({
      operation: 'open + first page, first time (statistics built)',
      runs: 1,
      p50: firstMs,
      p95: firstMs,
      targetMs: null,
    });
    rows.push(measure('open + first page of 100', 30, 50, openFirstPage));
    const db = openStudioDb(dataDir);
    const gallery = createGallery({ db, dataDir });
    const queries = benchSearches.map((q) => galleryQuerySchema.parse({ limit: 100, ...q }));
    rows.push(
      measure('search (8 kinds, first page of 100)', 8 * 25, 30, (i) => gallery.list(queries[i % queries.length])),
    );
    for (const [label, q] of [
      ['  search: broad word', queries[0]],
      ['  search: prefix', queries[3]],
      ['  search: + filters', queries[5]],
      ['  search: by rating', queries[7]],
    ] as const) {
      rows.push(measure(label, 25, null, () => gallery.list(q)));
    }
    let page = gallery.list(galleryQuerySchema.parse({ limit: 100 }));
    rows.push(
      measure('next page (keyset)', 100, null, () => {
        page = gallery.list(galleryQuerySchema.parse({ limit: 100, cursor: page.nextCursor ?? undefined }));
      }),
    );
    const { words } = promptMaker(7);
    rows.push(
      measure('insert (one generation, its own transaction)', 200, 5, (i) => {
        gallery.bulkInsert([
          {
            created: Date.now(),
            source: 'studio',
            metadata: 'complete',
            path: `gallery/new/${i}.png`,
            thumb: `gallery/new/${i}.thumb.png`,
            fileHash: `n${i}`,
            pixelHash: `np${i}`,
            prompt: words(20),
            negative: words(3),
            seed: String(i),
            batchIndex: 0,
            batchSize: 1,
            steps: 20,
            guidance: 7.5,
            scheduler: 'euler-a',
            width: 512,
            height: 512,
            modelName: 'sd15',
            modelHash: 'a1',
            strength: null,
            initImage: null,
            parentId: null,
            provider: 'cpu',
            timings: { totalMs: 1 },
            concepts: [],
          },
        ]);
      }),
    );
    const rgb = new Uint8Array(512 * 512 * 3).map((_, i) => (i * 7 + (i >> 11)) & 255);
    const settings = {
      prompt: words(20),
      negative: '',
      seed: 1n,
      steps: 20,
      guidance: 7.5,
      scheduler: 'euler-a' as const,
      width: 512,
      height: 512,
      batch: 1,
      strength: null,
      model: { name: 'sd15', hash: 'a1' },
    };
    rows.push(
      measure('save: 512² PNG + thumbnail (fsync) + row', 20, null, (i) => {
        gallery.save({
          images: [{ rgb, width: 512, height: 512, seed: BigInt(i), index: 0 }],
          settings: { ...settings, seed: BigInt(i) },
          provider: 'cpu',
          timings: {},
        });
      }),
    );
    db.close();
    return { seedMs, rows };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
