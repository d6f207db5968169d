import { describe, expect, test } from 'vitest';
import { float32ToHalf, float32ToHalfBits, halfBitsToFloat32, halfToFloat32 } from './float16';

// Reference bit patterns are IEEE 754 binary16 facts (numpy's float16 gives the same for each).
describe('float32 → float16', () => {
  test.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff], // largest finite half
    [65520, 0x7c00], // halfway to the next (absent) value rounds to even: Infinity
    [65519.99, 0x7bff],
    [1e6, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // exactly half of it: tie to even (0)
    [2 ** -25 * 1.0001, 0x0001],
    [3 * 2 ** -25, 0x0002], // 1.5 ulp: tie to even (2)
    [1 + 2 ** -11, 0x3c00], // tie between 1 and 1+2^-10 → even (1)
    [1 + 3 * 2 ** -11, 0x3c02], // tie between 1+2^-10 and 1+2^-9 → even
    [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just above the tie
    [0.1, 0x2e66],
  ])('%d → %s', (value, bits) => {
    expect(float32ToHalfBits(value)).toBe(bits);
  });

  test('NaN stays NaN', () => {
    const bits = float32ToHalfBits(NaN);
    expect(bits & 0x7c00).toBe(0x7c00);
    expect(bits & 0x3ff).not.toBe(0);
  });
});

describe('float16 → float32', () => {
  test('every finite half survives a round trip exactly', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const back = float32ToHalf(halfToFloat32(all));
    const wrong: number[] = [];
    for (let i = 0; i < 65536; i++) {
      const isNaN = ((i >> 10) & 0x1f) === 0x1f && (i & 0x3ff) !== 0;
      if (isNaN ? !Number.isNaN(halfBitsToFloat32(i)) : back[i] !== i) wrong.push(i);
    }
    expect(wrong).toEqual([]);
  });

  test('known values', () => {
    expect(halfBitsToFloat32(0x3555)).toBeCloseTo(0.33325195, 8);
    expect(halfBitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(halfBitsToFloat32(0x7c00)).toBe(Infinity);
    expect(Object.is(halfBitsToFloat32(0x8000), -0)).toBe(true);
  });
});
