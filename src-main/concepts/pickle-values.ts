// The values the restricted unpickler builds: Python tuples (distinct from lists), float tensors, and — for a
// checkpoint read lazily — references to a tensor's storage in the archive instead of its values.
import type { FloatTensor } from './safetensors-reader';
import type { FloatDtype } from './tensor-dtypes';

export class PickleTuple {
  constructor(readonly items: unknown[]) {}
}

export const isTensor = (value: unknown): value is FloatTensor =>
  typeof value === 'object' && value !== null && 'values' in value && 'dims' in value;

/** A storage left in the archive: `dtype` null for a non-float one (int64 position ids), never decoded. */
export class StorageRef {
  constructor(
    readonly key: string,
    readonly dtype: FloatDtype | null,
    readonly numel: number,
    readonly elementBytes: number,
  ) {}
}

/** A tensor view (torch's offset/size/stride) of a storage left in the archive. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly dims: number[],
    readonly strides: number[],
  ) {}
}
