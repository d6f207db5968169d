import { decode } from 'fast-png';
import { expect, test } from 'vitest';
import { downscale, thumbnailPng } from './thumbnail';

test('fits 256 × 256 keeping the aspect; smaller images keep their size', () => {
  const image = (width: number, height: number) => ({ width, height, rgb: new Uint8Array(width * height * 3) });
  expect(downscale(image(768, 512))).toMatchObject({ width: 256, height: 171 });
  expect(downscale(image(512, 1024))).toMatchObject({ width: 128, height: 256 });
  const small = image(64, 32);
  expect(downscale(small)).toBe(small);
  const png = decode(thumbnailPng(image(1024, 1024)));
  expect([png.width, png.height, png.channels]).toEqual([256, 256, 3]);
});

test('each thumbnail pixel is the average of the pixels it covers', () => {
  // 4 × 2 → 2 × 1 (fits 256 after a forced size of 2): a black-white pair averages to grey.
  const rgb = Uint8Array.from([
    0, 0, 0, 255, 255, 255, 10, 20, 30, 10, 20, 30, 0, 0, 0, 255, 255, 255, 10, 20, 30, 10, 20, 30,
  ]);
  expect(Array.from(downscale({ width: 4, height: 2, rgb }, 2).rgb)).toEqual([128, 128, 128, 10, 20, 30]);
});
