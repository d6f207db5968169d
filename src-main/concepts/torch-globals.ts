// The only Python globals a concept pickle may name: torch's tensor-rebuild functions, its float storage types and
// OrderedDict. Anything else is refused by name before it could be called.
import { fail } from './concept-errors';
import { isTensor, PickleTuple } from './pickle-values';
import type { FloatTensor } from './safetensors-reader';
import type { FloatDtype } from './tensor-dtypes';

class Global {
  constructor(readonly path: string) {}
}
class StorageType {
  constructor(readonly dtype: FloatDtype) {}
}

/** Reads storage `key` of the archive as `numel` elements of `dtype`. */
export type LoadStorage = (key: string, dtype: FloatDtype, numel: number) => Float32Array;

const STORAGES: Record<string, FloatDtype> = {
  'torch.FloatStorage': 'f32',
  'torch.HalfStorage': 'f16',
  'torch.BFloat16Storage': 'bf16',
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
  if (STORAGES[path]) return new StorageType(STORAGES[path]);
  if (CALLABLES.has(path)) return new Global(path);
  return fail(
    'unsafe',
    `pickle: refuses ${path}: only tensors, containers, strings and numbers are allowed (the file may be malicious)`,
  );
}

interface Storage {
  values: Float32Array;
}

export function persistent(pid: unknown, loadStorage: LoadStorage): Storage {
  const items = pid instanceof PickleTuple ? pid.items : [];
  const [kind, type, key, , numel] = items;
  if (kind !== 'storage' || !(type instanceof StorageType) || typeof numel !== 'number')
    fail('unsupported', 'pickle: a tensor storage of an unsupported type (only float32, float16 and bfloat16)');
  return { values: loadStorage(String(key), (type as StorageType).dtype, numel as number) };
}

export function call(callable: unknown, args: unknown): unknown {
  if (!(callable instanceof Global))
    return fail('unsafe', 'pickle: REDUCE of something that is not an allowed function');
  const a = args instanceof PickleTuple ? args.items : fail('malformed', 'pickle: REDUCE arguments are not a tuple');
  switch (callable.path) {
    case 'collections.OrderedDict':
      return new Map();
    case 'torch._utils._rebuild_parameter':
      return isTensor(a[0]) ? a[0] : fail('malformed', 'pickle: parameter without a tensor');
    default:
      return rebuildTensor(a);
  }
}

function rebuildTensor([storage, offset, size, stride]: unknown[]): FloatTensor {
  const ints = (v: unknown) =>
    v instanceof PickleTuple && v.items.every((x) => Number.isSafeInteger(x) && (x as number) >= 0)
      ? (v.items as number[])
      : fail('malformed', 'pickle: bad tensor size or stride');
  const dims = ints(size);
  const strides = ints(stride);
  const values = (storage as Storage | undefined)?.values;
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
