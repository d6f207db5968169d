// The results strip's views: a finished batch shows whole, a chosen result shows large, and comparing keeps side A
// while the next result chosen becomes side B.
import { expect, test } from 'vitest';
import type { Events } from '../../src-main/shared/contract';
import type { GalleryRecord } from '../../src-main/shared/gallery';
import { compareSide, ResultsState } from './results.svelte';

const settings = {
  prompt: 'a red circle',
  negative: '',
  seed: '9',
  steps: 6,
  guidance: 7.5,
  scheduler: 'euler-a' as const,
  width: 128,
  height: 128,
  batch: 1,
  strength: null,
  model: { name: 'tiny-shapes', hash: 'abc' },
};

function done(jobId: string, count: number): Events['job.done'] {
  return {
    jobId,
    images: Array.from({ length: count }, (_, index) => ({
      id: index + 1,
      media: `gallery/${jobId}-${index}.png`,
      seed: '9',
      index,
      width: 128,
      height: 128,
    })),
    settings: { ...settings, batch: count },
    provider: 'cpu',
    timings: { totalMs: 1 } as Events['job.done']['timings'],
    warnings: [],
    concepts: [],
  };
}
const url = (media: string) => `/media/${media}`;

test('a finished batch shows as a grid of its images in batch order; one image alone shows large', () => {
  const results = new ResultsState();
  results.add(done('single', 1), 'txt2img', url);
  expect(results.view).toBe('result');
  results.add(done('four', 4), 'txt2img', url);
  expect(results.view).toBe('batch');
  expect(results.batch.map((item) => item.key)).toEqual([0, 1, 2, 3].map((i) => `gallery/four-${i}.png`));
  results.select('gallery/four-2.png');
  expect(results.view).toBe('result');
  expect(results.batch).toHaveLength(4);
});

test('comparing: side A stays, the next result chosen is side B, the view stays on the comparison', () => {
  const results = new ResultsState();
  results.add(done('two', 2), 'txt2img', url);
  results.select('gallery/two-0.png');
  results.compareWith('gallery/two-0.png');
  results.select('gallery/two-1.png');
  expect(results.view).toBe('compare');
  expect(results.compared?.key).toBe('gallery/two-0.png');
  expect(results.selected?.key).toBe('gallery/two-1.png');
  expect(compareSide('B', results.selected!).label).toBe('B · seed 9 #2, Euler a, 6 steps, guidance 7.5');
});

test('restored records of one job form one batch (same creation time and batch size)', () => {
  const record = (id: number, created: string, batchSize: number, batchIndex: number) =>
    ({ id, path: `gallery/${id}.png`, created, batchSize, batchIndex, width: 128, height: 128 }) as GalleryRecord;
  const results = new ResultsState();
  results.restore(
    [
      record(3, '2026-12-01T10:00:01Z', 2, 1),
      record(2, '2026-12-01T10:00:01Z', 2, 0),
      record(1, '2026-12-01T09:00:00Z', 1, 0),
    ],
    url,
  );
  results.select('gallery/3.png');
  expect(results.batch.map((item) => item.id)).toEqual([2, 3]);
  results.select('gallery/1.png');
  expect(results.batch.map((item) => item.id)).toEqual([1]);
});
