import { expect, test } from 'vitest';
import { latentPreview } from './preview';

test('preview is h×w RGB of the chosen batch item, ×2 when upscaled', () => {
  const dims = [2, 4, 3, 5];
  const latents = new Float32Array(2 * 4 * 15);
  latents.fill(1, 60); // second image: every channel 1
  const first = latentPreview(latents, dims, 0);
  expect([first.width, first.height, first.rgb.length]).toEqual([5, 3, 45]);
  expect(first.rgb.every((v) => v === 128)).toBe(true); // zero latents → mid grey
  const second = latentPreview(latents, dims, 1, true);
  expect([second.width, second.height, second.rgb.length]).toEqual([10, 6, 180]);
  // Sum of each factor column: R 0.143, G 0.411, B 0.172 → ((x + 1) / 2)·255
  expect(Array.from(second.rgb.subarray(0, 3))).toEqual([146, 180, 149]);
});
