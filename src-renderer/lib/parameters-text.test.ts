import { describe, expect, test } from 'vitest';
import type { GalleryRecord } from '../../src-main/shared/gallery';
import { parametersText } from './parameters-text';

const record: GalleryRecord = {
  id: 1,
  created: '2026-01-01T00:00:00.000Z',
  source: 'studio',
  metadata: 'complete',
  prompt: 'a red fox',
  negative: 'blurry',
  seed: '18446744073709551615',
  batchIndex: 1,
  batchSize: 2,
  steps: 20,
  guidance: 7,
  scheduler: 'dpmpp-2m-karras',
  width: 512,
  height: 768,
  model: 'tiny, shapes',
  modelHash: 'abc123',
  strength: 0.5,
  initImage: 'gallery/inits/x.png',
  parent: null,
  concepts: [{ trigger: 'cat-toy', hash: 'ff00' }],
  provider: 'cpu',
  timings: null,
  path: 'gallery/2026-01/x.png',
  thumb: 'gallery/2026-01/x.thumb.png',
  favorite: false,
  rating: null,
  tags: [],
  boards: [],
  trashed: false,
  missing: false,
};

describe('parametersText', () => {
  test('writes A1111’s layout: prompt, negative, then the settings line', () => {
    expect(parametersText(record)).toBe(
      'a red fox\nNegative prompt: blurry\n' +
        'Steps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7.0, Seed: 18446744073709551615, Size: 512x768, ' +
        'Model hash: abc123, Model: "tiny, shapes", Batch size: 2, Batch pos: 1, Denoising strength: 0.5, ' +
        'TI hashes: "cat-toy: ff00"',
    );
  });

  test('leaves out what the record does not know; keeps another tool’s sampler name', () => {
    const partial = { ...record, negative: '', seed: null, steps: null, scheduler: 'Heun', modelHash: null };
    expect(parametersText({ ...partial, model: null, strength: null, batchSize: 1, concepts: [] })).toBe(
      'a red fox\nSampler: Heun, CFG scale: 7.0, Size: 512x768',
    );
  });
});
