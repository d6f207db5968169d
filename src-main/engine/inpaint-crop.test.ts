import { describe, expect, it } from 'vitest';
import { cropAndResize, cropRegion, expandToAspect, maskBounds, padRegion, pasteCrop } from './inpaint-crop';

function maskWith(width: number, height: number, x1: number, y1: number, x2: number, y2: number): Float32Array {
  const mask = new Float32Array(width * height);
  for (let y = y1; y < y2; y++) mask.fill(0.5, y * width + x1, y * width + x2);
  return mask;
}

describe('only-masked crop region', () => {
  it('bounds the non-zero pixels (x2, y2 exclusive) and is null for an empty mask', () => {
    expect(maskBounds(maskWith(10, 8, 2, 3, 5, 4), 10, 8)).toEqual({ x1: 2, y1: 3, x2: 5, y2: 4 });
    expect(maskBounds(new Float32Array(80), 10, 8)).toBeNull();
  });

  it('pads and clamps to the image', () => {
    expect(padRegion({ x1: 2, y1: 30, x2: 5, y2: 40 }, 4, 100, 42)).toEqual({ x1: 0, y1: 26, x2: 9, y2: 42 });
  });

  it('widens the short side to the generation aspect, centred', () => {
    // 10 × 20 for a square generation: 10 more columns, 5 each side.
    expect(expandToAspect({ x1: 40, y1: 40, x2: 50, y2: 60 }, 64, 64, 100, 100)).toEqual({
      x1: 35,
      y1: 40,
      x2: 55,
      y2: 60,
    });
    // 30 × 10 for a 1:2 (portrait) generation: 60 rows wanted, 50 more, 25 each side.
    expect(expandToAspect({ x1: 0, y1: 40, x2: 30, y2: 50 }, 64, 128, 100, 100)).toEqual({
      x1: 0,
      y1: 15,
      x2: 30,
      y2: 75,
    });
  });

  it('shifts a region that overflows back inside the image, and clamps what still does not fit', () => {
    expect(expandToAspect({ x1: 90, y1: 0, x2: 100, y2: 20 }, 1, 1, 100, 100)).toEqual({
      x1: 80,
      y1: 0,
      x2: 100,
      y2: 20,
    });
    expect(expandToAspect({ x1: 0, y1: 0, x2: 6, y2: 20 }, 1, 1, 100, 100)).toEqual({ x1: 0, y1: 0, x2: 20, y2: 20 });
    // Wider than the image can hold: the whole width, no more.
    expect(expandToAspect({ x1: 0, y1: 0, x2: 10, y2: 40 }, 1, 1, 30, 40)).toEqual({ x1: 0, y1: 0, x2: 30, y2: 40 });
  });

  it('combines bounds, padding and aspect', () => {
    const mask = maskWith(128, 128, 112, 112, 120, 120);
    expect(cropRegion(mask, { width: 128, height: 128 }, 8, { width: 128, height: 128 })).toEqual({
      x1: 104,
      y1: 104,
      x2: 128,
      y2: 128,
    });
    expect(cropRegion(mask, { width: 128, height: 128 }, 8, { width: 128, height: 64 })).toEqual({
      // 24 × 24 made 48 × 24: 12 columns each side, then shifted left by the 12 past the right edge.
      x1: 80,
      y1: 104,
      x2: 128,
      y2: 128,
    });
  });
});

describe('crop and paste', () => {
  it('cuts the region out before resampling', () => {
    const data = Uint8Array.from({ length: 4 * 3 }, (_, i) => i);
    expect(Array.from(cropAndResize(data, { width: 4, height: 3 }, { x1: 1, y1: 1, x2: 3, y2: 3 }, 2, 2))).toEqual([
      5, 6, 9, 10,
    ]);
  });

  it('leaves pixels outside the mask as they were and blends inside', () => {
    const init = { width: 4, height: 1, data: new Uint8Array(12).fill(100) };
    const mask = Float32Array.of(0, 1, 0.5, 0);
    const decoded = { width: 2, height: 1, rgb: new Uint8Array(6).fill(200) };
    const out = pasteCrop(init, decoded, { x1: 1, y1: 0, x2: 3, y2: 1 }, mask, false);
    expect(Array.from(out)).toEqual([100, 100, 100, 200, 200, 200, 150, 150, 150, 100, 100, 100]);
    const kept = pasteCrop(init, decoded, { x1: 1, y1: 0, x2: 3, y2: 1 }, mask, true);
    expect(Array.from(kept)).toEqual([100, 100, 100, 200, 200, 200, 200, 200, 200, 100, 100, 100]);
  });
});
