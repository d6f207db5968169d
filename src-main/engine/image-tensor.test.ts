import { expect, test } from 'vitest';
import { imageToTensor, roundHalfEven, tensorToRgb } from './image-tensor';

test('round half to even, as numpy', () => {
  expect([0.5, 1.5, 2.5, 254.5, 2.4999, 2.5001, 3].map(roundHalfEven)).toEqual([0, 2, 2, 254, 2, 3, 3]);
});

test('decode maps [-1, 1] to 0..255 with clamping', () => {
  // One 2×1 image, CHW: R = [-1, 1], G = [0, 2], B = [-3, 0.0039215689]
  const data = Float32Array.of(-1, 1, 0, 2, -3, 0.0039215689);
  // 0 → 0.5·255 = 127.5 → 128 (even); 0.00392… → (0.50196…)·255 = 128.0 → 128
  expect(Array.from(tensorToRgb(data, 0, 2, 1))).toEqual([0, 128, 0, 255, 255, 128]);
});

test('init image: RGBA drops alpha, values map to [-1, 1] in CHW', () => {
  const rgba = Uint8Array.of(0, 255, 51, 7, 255, 0, 0, 99);
  const out = imageToTensor({ width: 2, height: 1, data: rgba });
  expect(Array.from(out)).toEqual([-1, 1, 1, -1, Math.fround(2 * Math.fround(51 / 255) - 1), -1]);
});
