import { expect, test } from 'vitest';
import { correctSide } from './size-correction';

test('a size the engine takes is kept, without a note', () => {
  for (const side of [64, 512, 104, 2048]) expect(correctSide(side)).toEqual({ value: side, note: null });
});

test('a size between multiples of 8 is rounded to the nearest and says so', () => {
  expect(correctSide(100)).toEqual({ value: 104, note: 'Rounded to 104: sizes are multiples of 8' });
  expect(correctSide(515)).toEqual({ value: 512, note: 'Rounded to 512: sizes are multiples of 8' });
});

test('a size past the limits is capped or raised to them and says which limit', () => {
  expect(correctSide(5000)).toEqual({ value: 2048, note: 'Capped at 2048 (the largest size)' });
  expect(correctSide(2051)).toEqual({ value: 2048, note: 'Capped at 2048 (the largest size)' });
  expect(correctSide(10)).toEqual({ value: 64, note: 'Raised to 64 (the smallest size)' });
  expect(correctSide(Number.NaN)).toEqual({ value: 64, note: 'Raised to 64 (the smallest size)' });
});
