// Hand-made masks, images and latents for the inpainting UNet's conditioning; every expected number is worked out
// in the comment beside it.
import { describe, expect, it } from 'vitest';
import {
  appendChannels,
  binaryMask,
  conditioningChannels,
  maskedImageTensor,
  nearestLatentMask,
} from './inpaint-conditioning';
import { blurredMask } from './masked-latents';

describe('mask preparation for an inpainting UNet', () => {
  it('binarizes at 0.5 as VaeImageProcessor.binarize does: grey 127 keeps, grey 128 repaints', () => {
    // 127/255 = 0.498 < 0.5 → 0; 128/255 = 0.502 → 1; exactly 0.5 → 1 (only values below 0.5 become 0).
    const grey = Uint8Array.of(0, 127, 128, 255);
    expect(Array.from(binaryMask(blurredMask(grey, 4, 1, 0)))).toEqual([0, 0, 1, 1]);
    expect(Array.from(binaryMask(Float32Array.of(0.4999, 0.5, 0.75)))).toEqual([0, 1, 1]);
  });

  it('binarizes the blurred mask when there is mask blur (the blur moves the edge, not the kept far field)', () => {
    // A 10-pixel row, white from pixel 5 on, σ = 1: pixel 4 gets (e^-½ + e^-2 + e^-4.5) / 2.505950 = 0.300 → 0,
    // pixel 5 gets 1 − 0.300 = 0.700 → 1; the edge stays where it was.
    const grey = Uint8Array.of(0, 0, 0, 0, 0, 255, 255, 255, 255, 255);
    expect(Array.from(binaryMask(blurredMask(grey, 10, 1, 1)))).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('zeroes the repainted pixels of the [-1, 1] image tensor, channel by channel', () => {
    // 2×1 RGB: pixel 0 (255, 0, 51) kept → (1, −1, 2·0.2 − 1 = −0.6); pixel 1 (10, 20, 30) repainted → 0.
    const image = { width: 2, height: 1, data: Uint8Array.of(255, 0, 51, 10, 20, 30) };
    const tensor = maskedImageTensor(image, Float32Array.of(0, 1));
    expect(Array.from(tensor)).toEqual([1, 0, -1, 0, Math.fround(-0.6), 0]);
    // RGBA rows: the alpha byte is skipped, as PIL's convert('RGB').
    const rgba = { width: 1, height: 1, data: Uint8Array.of(255, 255, 255, 7) };
    expect(Array.from(maskedImageTensor(rgba, Float32Array.of(0)))).toEqual([1, 1, 1]);
    expect(() => maskedImageTensor(image, Float32Array.of(1))).toThrow(RangeError);
  });

  it("resizes the mask to latent size like torch's nearest interpolate: the top-left pixel of each block", () => {
    // 4×4 pixels, factor 2 → 2×2 latents from pixels (0,0), (2,0), (0,2), (2,2) (x, y).
    // prettier-ignore
    const binary = Float32Array.of(
      1, 0, 0, 1,
      0, 0, 0, 0,
      0, 1, 1, 1,
      1, 1, 1, 1,
    );
    expect(Array.from(nearestLatentMask(binary, 4, 4, 2))).toEqual([1, 0, 0, 1]);
    // 16×8 pixels with only pixel (8, 0) set, factor 8 → latent (1, 0) of a 2×1 mask.
    const wide = new Float32Array(16 * 8);
    wide[8] = 1;
    expect(Array.from(nearestLatentMask(wide, 16, 8, 8))).toEqual([0, 1]);
  });
});

describe('UNet input rows', () => {
  it('puts the mask before the masked latents', () => {
    // 1×1 latents of 2 channels: [mask] ‖ [m0, m1].
    expect(Array.from(conditioningChannels(Float32Array.of(1), Float32Array.of(0.5, -0.5)))).toEqual([1, 0.5, -0.5]);
    expect(() => conditioningChannels(Float32Array.of(1, 0), Float32Array.of(1, 2, 3))).toThrow(RangeError);
  });

  it('appends the same conditioning to every row: torch.cat([latents, mask, masked], dim=1)', () => {
    // 2 rows (uncond, cond) of 2 latent values each, conditioning of 3 values → rows of 5.
    const latents = Float32Array.of(1, 2, 3, 4);
    const rows = appendChannels(latents, 2, Float32Array.of(7, 8, 9));
    expect(Array.from(rows)).toEqual([1, 2, 7, 8, 9, 3, 4, 7, 8, 9]);
  });
});
