import { expect, test } from 'vitest';
import { sizePresets, snapSide } from './size-presets';

test('sides snap to multiples of 8 within 64…2048', () => {
  expect([snapSide(100), snapSide(3), snapSide(5000), snapSide(Number.NaN)]).toEqual([104, 64, 2048, 64]);
});

test('presets keep the native short side and a UNet-friendly long side', () => {
  const sd = Object.fromEntries(sizePresets(512).map((p) => [p.label, [p.width, p.height]]));
  expect(sd).toMatchObject({ '1:1': [512, 512], '3:2': [768, 512], '2:3': [512, 768], '16:9': [896, 512] });
  for (const { width, height } of sizePresets(128)) {
    expect([width % 32, height % 32]).toEqual([0, 0]);
    expect(Math.min(width, height)).toBeGreaterThanOrEqual(128);
  }
});
