// The only Python globals a concept pickle may name: torch's tensor-rebuild functions, its float storage types and
// OrderedDict. Anything else is refused by name before it could be called.
import { fail } from './concept-errors';
import { isTensor, PickleTuple, StorageRef, TensorRef } from './pickle-values';
import type { FloatTensor } from './safetensors-reader';
import type { FloatDtype } from './tensor-dtypes';

class Global {
  constructor(readonly path: string) {}
}
class StorageType {
  constructor(
    readonly dtype: FloatDtype | null,
    readonly elementBytes: number,
  ) {}
}

/**
 * Reads storage `key` of the archive as `numel` elements of `dtype` (null: not a float storage), or leaves it there
 * as a reference (a checkpoint read one tensor at a time).
 */
export type LoadStorage = (
  key: string,
  dtype: FloatDtype | null,
  numel: number,
  elementBytes: number,
) => Float32Array | StorageRef;

const STORAGES: Record<string, StorageType> = {
  'torch.FloatStorage': new StorageType('f32', 4),
  'torch.HalfStorage': new StorageType('f16', 2),
  'torch.BFloat16Storage': new StorageType('bf16', 2),
  // Listed so a checkpoint's int64 position ids can be skipped; their values are never decoded.
  'torch.LongStorage': new StorageType(null, 8),
  'torch.IntStorage': new StorageType(null, 4),
  'torch.ByteStorage': new StorageType(null, 1),
  'torch.BoolStorage': new StorageType(null, 1),
  'torch.DoubleStorage': new StorageType(null, 8),
};
const CALLABLES = new Set([
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
]);
const MAX_TENSOR_ELEMENTS = 1 << 22;

export function resolveGlobal(module: string, name: string): unknown {
  const path = `${module}.${name}`;
  if (STORAGES[path]) return STORAGES[path];
  if (CALLABLES.has(path)) return new Global(path);
  return fail(
    'unsafe',
    `pickle: refuses ${path}: only tensors, containers, strings and numbers are allowed (the file may be malicious)`,
  );
}

interface Storage {
  values: Float32Array | StorageRef;
}

export function persistent(pid: unknown, loadStorage: LoadStorage): Storage {
  const items = pid instanceof PickleTuple ? pid.items : [];
  const [kind, type, key, , numel] = items;
  if (kind !== 'storage' || !(type instanceof StorageType) || !Number.isSafeInteger(numel) || (numel as number) < 0)
    fail('unsupported', 'pickle: a tensor storage of an unsupported type (only float32, float16 and bfloat16)');
  const { dtype, elementBytes } = type as StorageType;
  return { values: loadStorage(String(key), dtype, numel as number, elementBytes) };
}

export function call(callable: unknown, args: unknown): unknown {
  if (!(callable instanceof Global))
    return fail('unsafe', 'pickle: REDUCE of something that is not an allowed function');
  const a = args instanceof PickleTuple ? args.items : fail('malformed', 'pickle: REDUCE arguments are not a tuple');
  switch (callable.path) {
    case 'collections.OrderedDict':
      return new Map();
    case 'torch._utils._rebuild_parameter':
      return isTensor(a[0]) || a[0] instanceof TensorRef
        ? a[0]
        : fail('malformed', 'pickle: parameter without a tensor');
    default:
      return rebuildTensor(a);
  }
}

function rebuildTensor([storage, offset, size, stride]: unknown[]): FloatTensor | TensorRef {
  const ints = (v: unknown) =>
    v instanceof PickleTuple && v.items.every((x) => Number.isSafeInteger(x) && (x as number) >= 0)
      ? (v.items as number[])
      : fail('malformed', 'pickle: bad tensor size or stride');
  const dims = ints(size);
  const strides = ints(stride);
  const values = (storage as Storage | undefined)?.values;
  if (values instanceof StorageRef) return tensorRef(values, offset, dims, strides);
  if (
    !(values instanceof Float32Array) ||
    !Number.isSafeInteger(offset) ||
    dims.length !== strides.length ||
    dims.length > 4
  )
    fail('malformed', 'pickle: bad tensor');
  const count = dims.reduce((p, d) => p * d, 1);
  if (count > MAX_TENSOR_ELEMENTS) fail('too_large', 'pickle: tensor too large for an embedding');
  const last = (offset as number) + dims.reduce((s, d, i) => s + (d > 0 ? (d - 1) * strides[i] : 0), 0);
  if (count > 0 && last >= values!.length) fail('malformed', 'pickle: tensor view runs past its storage');
  const out = new Float32Array(count);
  const index = new Array<number>(dims.length).fill(0);
  for (let i = 0; i < count; i++) {
    out[i] = values![(offset as number) + index.reduce((s, k, j) => s + k * strides[j], 0)];
    for (let j = dims.length - 1; j >= 0 && ++index[j] === dims[j]; j--) index[j] = 0;
  }
  return { dims, values: out };
}

function tensorRef(storage: StorageRef, offset: unknown, dims: number[], strides: number[]): TensorRef {
  if (!Number.isSafeInteger(offset) || (offset as number) < 0 || dims.length !== strides.length || dims.length > 4)
    fail('malformed', 'pickle: bad tensor');
  const count = dims.reduce((p, d) => p * d, 1);
  const last = (offset as number) + dims.reduce((s, d, i) => s + (d > 0 ? (d - 1) * strides[i] : 0), 0);
  if (count > 0 && last >= storage.numel) fail('malformed', 'pickle: tensor view runs past its storage');
  return new TensorRef(storage, offset as number, dims, strides);
}
