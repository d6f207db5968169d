import { expect, test } from 'vitest';
import {
  featureCount,
  fitPatchProjection,
  outputCount,
  patchProjectionFromPixelMap,
  projectPatches,
  type PatchProjection,
  type PatchSample,
} from './patch-projection';
import { latentPreview, SD1_PROJECTION } from './preview';

/** A deterministic uniform source on (−1, 1). */
function uniforms(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
}

const [channels, factor, size] = [4, 4, 8];

/**
 * A "decoder" of the form the projection models: each latent pixel's clamped 3×3 neighbourhood, standardised per
 * channel over the latent, with each channel's mean and deviation, through known weights, as floats on 0–1.
 */
function linearDecode(known: PatchProjection, latents: Float32Array): Float32Array {
  const plane0 = size * size;
  const stats = Array.from({ length: channels }, (_, c) => {
    const values = Array.from(latents.subarray(c * plane0, (c + 1) * plane0));
    const mean = values.reduce((s, v) => s + v, 0) / plane0;
    const deviation = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / plane0) + 1e-3;
    return [mean, deviation];
  });
  const outputs = outputCount(factor);
  const features = featureCount(channels);
  const image = new Float32Array(3 * size * factor * size * factor);
  const plane = size * factor * size * factor;
  const at = (c: number, y: number, x: number) =>
    latents[c * size * size + Math.min(Math.max(y, 0), size - 1) * size + Math.min(Math.max(x, 0), size - 1)];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const a = [];
      for (let c = 0; c < channels; c++) {
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) a.push((at(c, y + dy, x + dx) - stats[c][0]) / stats[c][1]);
        }
      }
      a.push(...stats.flat(), 1);
      for (let o = 0; o < outputs; o++) {
        const value = a.reduce((sum, v, d) => sum + v * known.weights[d * outputs + o], 0);
        const [pixel, k] = [Math.floor(o / 3), o % 3];
        const [py, px] = [Math.floor(pixel / factor), pixel % factor];
        image[k * plane + (y * factor + py) * size * factor + x * factor + px] = value;
      }
      expect(a).toHaveLength(features);
    }
  }
  return image;
}

test("least squares recovers a decoder linear in the projection's features exactly, weights and image", () => {
  const uniform = uniforms(12345);
  const known: PatchProjection = {
    latentChannels: channels,
    factor,
    relative: true,
    weights: Float32Array.from({ length: featureCount(channels) * outputCount(factor) }, () => 0.1 * uniform()),
  };
  // Latents of varied scale and offset per sample and channel, so that the statistics features are determined too.
  const samples: PatchSample[] = Array.from({ length: 24 }, () => {
    const [scales, offsets] = [0, 1].map(() => Array.from({ length: channels }, uniform));
    const latents = Float32Array.from(
      { length: channels * size * size },
      (_, i) => offsets[Math.floor(i / (size * size))] + (1 + 0.5 * scales[Math.floor(i / (size * size))]) * uniform(),
    );
    return { latents, height: size, width: size, image: linearDecode(known, latents) };
  });
  {
    const fitted = fitPatchProjection(samples, channels, factor, { ridge: 0 });
    const [a, b] = [fitted.weights, known.weights];
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-4);
    // And the preview it draws is the decoder's image, 8-bit.
    const preview = projectPatches(samples[0].latents, [1, channels, size, size], fitted);
    expect([preview.width, preview.height]).toEqual([size * factor, size * factor]);
    const plane = preview.width * preview.height;
    for (let p = 0; p < plane; p++) {
      for (let k = 0; k < 3; k++) {
        const expected = Math.round(Math.min(1, Math.max(0, samples[0].image[k * plane + p])) * 255);
        expect(Math.abs(preview.rgb[p * 3 + k] - expected)).toBeLessThanOrEqual(1);
      }
    }
  }
});

test('a per-pixel colour map as a patch projection: its colours, upsampled bilinearly to full resolution', () => {
  // A ramp along x: bilinear upsampling of a linear function is exact, so every pixel's colour is known.
  const slopes = [0.3, -0.2, 0.25, 0.1];
  const latents = new Float32Array(channels * size * size);
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < size * size; p++) latents[c * size * size + p] = slopes[c] * ((p % size) - size / 2);
  }
  const dims = [1, channels, size, size];
  const large = projectPatches(latents, dims, patchProjectionFromPixelMap(SD1_PROJECTION, channels, 8));
  expect([large.width, large.height]).toEqual([8 * size, 8 * size]);
  for (let y = 0; y < large.height; y++) {
    // Inside the outer half latent pixel, where the edge is clamped rather than interpolated.
    for (let x = 4; x < large.width - 4; x++) {
      const u = (x + 0.5) / 8 - 0.5 - size / 2;
      for (let k = 0; k < 3; k++) {
        const colour = SD1_PROJECTION[4][k] + slopes.reduce((sum, s, c) => sum + s * u * SD1_PROJECTION[c][k], 0);
        const expected = Math.round(Math.min(1, Math.max(0, colour)) * 255);
        expect(Math.abs(large.rgb[(y * large.width + x) * 3 + k] - expected)).toBeLessThanOrEqual(1);
      }
    }
  }
  // Flat latents: the latent-sized preview's colour everywhere.
  const flat = new Float32Array(channels * size * size).fill(0.5);
  const small = latentPreview(flat, dims, SD1_PROJECTION);
  const flatLarge = projectPatches(flat, dims, patchProjectionFromPixelMap(SD1_PROJECTION, channels, 8));
  expect(flatLarge.rgb.every((v, i) => v === small.rgb[i % 3])).toBe(true);
});
