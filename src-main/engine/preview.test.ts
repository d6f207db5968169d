import { expect, test } from 'vitest';
import { fitProjection, latentPreview, SD1_PROJECTION } from './preview';

test('preview is h×w RGB of the chosen batch item through the projection', () => {
  const dims = [2, 4, 3, 5];
  const latents = new Float32Array(2 * 4 * 15);
  latents.fill(1, 60); // second image: every channel 1
  const first = latentPreview(latents, dims, SD1_PROJECTION, 0);
  expect([first.width, first.height, first.rgb.length]).toEqual([5, 3, 45]);
  expect(first.rgb.every((v) => v === 128)).toBe(true); // zero latents → the bias: mid grey
  const second = latentPreview(latents, dims, SD1_PROJECTION, 1);
  // Column sums of the SD 1.x factors (R 0.143, G 0.411, B 0.172) halved, + 0.5, × 255
  expect(Array.from(second.rgb.subarray(0, 3))).toEqual([146, 180, 149]);
});

test('least squares recovers a known projection from synthetic samples', () => {
  const known = [
    [0.3, -0.1, 0.05],
    [0.2, 0.25, -0.3],
    [-0.15, 0.1, 0.2],
    [0.05, -0.2, -0.1],
    [0.45, 0.5, 0.55],
  ];
  let state = 12345;
  const uniform = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const features = Array.from({ length: 500 }, () => [uniform(), uniform(), uniform(), uniform()]);
  const targets = features.map((x) =>
    [0, 1, 2].map((k) => known[4][k] + x.reduce((sum, v, c) => sum + v * known[c][k], 0) + 1e-4 * uniform()),
  );
  const fitted = fitProjection(features, targets);
  expect(fitted).toHaveLength(5);
  fitted.forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo(known[i][k], 3)));
});
