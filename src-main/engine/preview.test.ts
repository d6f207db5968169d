import { expect, test } from 'vitest';
import { latentPreview, SD1_PROJECTION } from './preview';

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
