// Pixels ↔ tensors exactly as diffusers' VaeImageProcessor does them, in float32 at every step.
import type { InitImage } from './engine-types';

const f32 = Math.fround;

/** HWC 8-bit RGB(A) → NCHW float32 in [-1, 1]: `x / 255`, then `2·x − 1`. */
export function imageToTensor(image: InitImage): Float32Array {
  const { width, height, data } = image;
  const pixels = width * height;
  const channels = data.length / pixels;
  const out = new Float32Array(3 * pixels);
  for (let i = 0; i < pixels; i++) {
    for (let c = 0; c < 3; c++) out[c * pixels + i] = f32(2 * f32(data[i * channels + c] / 255) - 1);
  }
  return out;
}

/** numpy's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * One decoded image (CHW float32 in [-1, 1], at `offset`) → HWC 8-bit RGB:
 * `clamp(x/2 + 0.5, 0, 1)` (torch), then `round(x·255)` (numpy, half to even).
 */
export function tensorToRgb(data: Float32Array, offset: number, width: number, height: number): Uint8Array {
  const pixels = width * height;
  const out = new Uint8Array(3 * pixels);
  for (let c = 0; c < 3; c++) {
    const plane = offset + c * pixels;
    for (let i = 0; i < pixels; i++) {
      const v = f32(f32(data[plane + i] / 2) + 0.5);
      const clamped = v < 0 ? 0 : v > 1 ? 1 : v;
      out[i * 3 + c] = roundHalfEven(f32(clamped * 255));
    }
  }
  return out;
}
