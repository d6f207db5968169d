// Raw little-endian tensor bytes (f32, f16, bf16) → float32, refusing NaN and ±Inf.
import { halfBitsToFloat32 } from '../formats/float16';
import { fail } from './concept-errors';

export type FloatDtype = 'f32' | 'f16' | 'bf16';

export const DTYPE_BYTES: Record<FloatDtype, number> = { f32: 4, f16: 2, bf16: 2 };

/** Reads `count` elements at `offset` of `bytes`; `what` names the tensor in errors. */
export function decodeFloats(
  bytes: Uint8Array,
  offset: number,
  count: number,
  dtype: FloatDtype,
  what: string,
): Float32Array {
  const size = DTYPE_BYTES[dtype];
  if (offset < 0 || offset + count * size > bytes.length)
    fail('truncated', `${what}: tensor data runs past the file's end`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * size);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    if (dtype === 'f32') out[i] = view.getFloat32(i * 4, true);
    else if (dtype === 'f16') out[i] = halfBitsToFloat32(view.getUint16(i * 2, true));
    else out[i] = new Float32Array(new Uint32Array([view.getUint16(i * 2, true) << 16]).buffer)[0];
  }
  checkFinite(out, what);
  return out;
}

export function checkFinite(values: Float32Array, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]))
      fail('bad_values', `${what}: value ${i} is ${values[i]} (NaN/Inf: a broken training run)`);
  }
}
