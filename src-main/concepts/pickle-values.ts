// The values the restricted unpickler builds: Python tuples (distinct from lists) and float tensors.
import type { FloatTensor } from './safetensors-reader';

export class PickleTuple {
  constructor(readonly items: unknown[]) {}
}

export const isTensor = (value: unknown): value is FloatTensor =>
  typeof value === 'object' && value !== null && 'values' in value && 'dims' in value;
