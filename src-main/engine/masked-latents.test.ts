// Hand-made masks and latents; every expected number is worked out in the comment beside it.
import { describe, expect, it } from 'vitest';
import {
  blendLatents,
  blurredMask,
  gaussianKernel,
  keepUnmasked,
  latentMask,
  maskGrey,
  pasteBack,
} from './masked-latents';
import type { Scheduler } from './schedulers/scheduler';

describe('mask preparation', () => {
  it('reads grey levels as PIL convert("L") does, from RGB, RGBA or one byte per pixel', () => {
    // (19595·255 + 2¹⁵) >> 16 = 76; (38470·255 + 2¹⁵) >> 16 = 150; (7471·255 + 2¹⁵) >> 16 = 29.
    const rgb = Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255);
    expect(Array.from(maskGrey({ width: 4, height: 1, data: rgb }))).toEqual([76, 150, 29, 255]);
    const rgba = Uint8Array.of(255, 255, 255, 0, 0, 0, 0, 255);
    expect(Array.from(maskGrey({ width: 2, height: 1, data: rgba }))).toEqual([255, 0]);
    expect(Array.from(maskGrey({ width: 2, height: 1, data: Uint8Array.of(7, 9) }))).toEqual([7, 9]);
  });

  it('blurs with a normalised Gaussian truncated at 3σ, and not at all with radius 0', () => {
    expect(Array.from(gaussianKernel(0))).toEqual([1]);
    const k = gaussianKernel(1);
    expect(k).toHaveLength(7);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // exp(-1/2) / (1 + 2e^-½ + 2e^-2 + 2e^-4.5) = 0.606531 / 2.505950 = 0.242036
    expect(k[4]).toBeCloseTo(0.242036, 6);

    const grey = Uint8Array.of(0, 0, 255, 255);
    expect(Array.from(blurredMask(grey, 4, 1, 0))).toEqual([0, 0, 1, 1]);
    const blurred = blurredMask(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 255]), 10, 1, 1);
    // Only pixels within ⌈3σ⌉ = 3 of the white one get weight; the rest stay exactly 0.
    expect(Array.from(blurred.slice(0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(blurred[6]).toBeGreaterThan(0);
    // Clamped edges: pixel 9 sees white at offsets 0…3 → (1 + e^-½ + e^-2 + e^-4.5) / 2.505950 = 0.699525.
    expect(blurred[9]).toBeCloseTo(0.699525, 5);
  });

  it('averages each f×f block and rounds it to keep (0) or repaint (1)', () => {
    // 4×2 pixels, f = 2 → 2×1 latents: block 0 mean (1 + 1 + 0 + 0.2)/4 = 0.55 → 1; block 1 mean 0.45 → 0.
    const mask = Float32Array.of(1, 1, 0.9, 0.9, 0, 0.2, 0, 0);
    expect(Array.from(latentMask(mask, 4, 2, 2))).toEqual([1, 0]);
  });
});

describe('blending', () => {
  it('keeps the kept latents where the mask is 0, tiled over channels and batch', () => {
    const latents = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    const kept = Float32Array.of(-1, -2, -3, -4, -5, -6, -7, -8);
    // A 2-pixel mask over 2 channels × 2 batch items: repaint pixel 0, keep pixel 1.
    expect(Array.from(blendLatents(latents, kept, Float32Array.of(1, 0)))).toEqual([1, -2, 3, -4, 5, -6, 7, -8]);
    expect(() => blendLatents(new Float32Array(3), new Float32Array(3), new Float32Array(2))).toThrow(RangeError);
  });

  it('noises the init latents to the next timestep, and uses them clean after the last step', () => {
    const seen: number[] = [];
    const scheduler = {
      addNoise(original: Float32Array, noise: Float32Array, t: number) {
        seen.push(t);
        return original.map((x, i) => x + noise[i] * t);
      },
    } as unknown as Scheduler;
    const inpaint = {
      initLatents: Float32Array.of(10, 20),
      noise: Float32Array.of(1, 1),
      mask: Float32Array.of(0, 1),
    };
    const timesteps = [999, 500, 1];
    expect(Array.from(keepUnmasked(Float32Array.of(0, 0), 0, timesteps, scheduler, inpaint))).toEqual([510, 0]);
    expect(Array.from(keepUnmasked(Float32Array.of(0, 0), 2, timesteps, scheduler, inpaint))).toEqual([10, 0]);
    expect(seen).toEqual([500]);
  });

  it('pastes the init pixels back where m = 0 and rounds the blend elsewhere', () => {
    const init = { width: 3, height: 1, data: Uint8Array.of(0, 0, 0, 100, 100, 100, 10, 20, 30) };
    const decoded = Uint8Array.of(200, 200, 200, 200, 200, 200, 255, 255, 255);
    // Pixel 1 at m = 0.25: 100·0.75 + 200·0.25 = 125.
    expect(Array.from(pasteBack(init, decoded, Float32Array.of(1, 0.25, 0)))).toEqual([
      200, 200, 200, 125, 125, 125, 10, 20, 30,
    ]);
    // RGBA init rows drop their alpha.
    const rgba = { width: 1, height: 1, data: Uint8Array.of(1, 2, 3, 255) };
    expect(Array.from(pasteBack(rgba, Uint8Array.of(9, 9, 9), Float32Array.of(0)))).toEqual([1, 2, 3]);
  });
});
