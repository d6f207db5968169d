// Float tensors at the ONNX boundary: fp16 graphs take and give half floats as raw 16-bit patterns.
import { float32ToHalf, halfToFloat32 } from '../formats/float16';
import type { PlainTensor } from './onnx-session';

export type FloatType = 'float32' | 'float16';

/** A float32 buffer as the tensor a graph input of element type `type` expects. */
export function floatTensor(data: Float32Array, dims: readonly number[], type: FloatType): PlainTensor {
  return type === 'float16' ? { type, data: float32ToHalf(data), dims } : { type, data, dims };
}

/** Any float graph output as float32, so everything after the boundary computes in one precision (as diffusers'
 * fp16 pipelines do not; we accept that the fp16 variant matches only loosely). */
export function float32Of(tensor: PlainTensor, what: string): Float32Array {
  if (tensor.type === 'float32') return tensor.data;
  if (tensor.type === 'float16') return halfToFloat32(tensor.data);
  throw new Error(`${what}: expected a float tensor, got ${tensor.type}`);
}
