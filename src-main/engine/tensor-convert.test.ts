import { describe, expect, test } from 'vitest';
import { float32Of, floatTensor } from './tensor-convert';

describe('tensors at the boundary', () => {
  test('float16 inputs are converted, float32 passed through', () => {
    const data = Float32Array.of(1, -2, 0.5);
    const half = floatTensor(data, [3], 'float16');
    expect(half.type).toBe('float16');
    expect(Array.from(half.data as Uint16Array)).toEqual([0x3c00, 0xc000, 0x3800]);
    expect(floatTensor(data, [3], 'float32').data).toBe(data);
    expect(Array.from(float32Of(half, 'x'))).toEqual([1, -2, 0.5]);
  });
});
