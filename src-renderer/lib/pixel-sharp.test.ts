import { expect, test } from 'vitest';
import { isSmallImage } from './pixel-sharp';

test('images under 384 pixels on both sides are small; a side of 384 or more is not', () => {
  expect(isSmallImage(128, 128)).toBe(true);
  expect(isSmallImage(383, 200)).toBe(true);
  expect(isSmallImage(384, 128)).toBe(false);
  expect(isSmallImage(128, 512)).toBe(false);
});
