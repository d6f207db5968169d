import { describe, expect, it } from 'vitest';
import { resizeBilinear, toBytes } from './resample';

describe('resizeBilinear', () => {
  it('returns the same values at the same size', () => {
    const data = Uint8Array.from({ length: 5 * 3 * 3 }, (_, i) => (i * 37) % 256);
    expect(Array.from(resizeBilinear({ width: 5, height: 3, channels: 3, data }, 5, 3))).toEqual(Array.from(data));
  });

  it('doubles a two-pixel row as PIL does (0, 64, 191, 255 once rounded)', () => {
    const out = resizeBilinear({ width: 2, height: 1, channels: 1, data: [0, 255] }, 4, 1);
    expect(Array.from(out)).toEqual([0, 63.75, 191.25, 255]);
    expect(Array.from(toBytes(out))).toEqual([0, 64, 191, 255]);
  });

  it('halves with the widened triangle: every source pixel counts', () => {
    // Output 0 is centred at source 1 with reach 2: weights ¾, ¾, ¼ on pixels 0, 1, 2 (then normalised).
    const out = resizeBilinear({ width: 4, height: 1, channels: 1, data: [0, 100, 200, 255] }, 2, 1);
    expect(out[0]).toBeCloseTo((0.75 * 0 + 0.75 * 100 + 0.25 * 200) / 1.75, 4);
    expect(out[1]).toBeCloseTo((0.25 * 100 + 0.75 * 200 + 0.75 * 255) / 1.75, 4);
  });

  it('resizes both axes and keeps a flat image flat', () => {
    const data = new Uint8Array(3 * 2 * 4).fill(77);
    const out = resizeBilinear({ width: 3, height: 2, channels: 4, data }, 7, 5);
    expect(out).toHaveLength(7 * 5 * 4);
    expect(Array.from(toBytes(out)).every((v) => v === 77)).toBe(true);
  });

  it('interpolates a vertical ramp along y', () => {
    const out = resizeBilinear({ width: 1, height: 2, channels: 1, data: [0, 100] }, 1, 4);
    expect(Array.from(out)).toEqual([0, 25, 75, 100]);
  });
});
