// A `.ckpt` (torch.save zip archive) read one tensor at a time: `data.pkl` goes through the concepts service's
// restricted unpickler with storages left in the archive as references, so nothing in the file is executed and
// each read loads one tensor's bytes. Lightning checkpoints wrap the weights in `state_dict`.
import { open } from 'node:fs/promises';
import { decodeFloats, DTYPE_BYTES, StorageRef, TensorRef, unpickle } from '../../concepts';
import { refuse } from './checkpoint-errors';
import type { CheckpointReader, CheckpointTensor } from './checkpoint-reader';
import { indexZip, readAt, type ZipEntry } from './zip-index';

const MAX_PICKLE_BYTES = 64 << 20;

export async function openTorchCheckpoint(file: string): Promise<CheckpointReader> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const entries = await indexZip(handle, size, file);
    const pickleName = [...entries.keys()].find((name) => /^[^/]+\/data\.pkl$/.test(name));
    if (!pickleName) return refuse('unreadable', `${file}: a zip archive without data.pkl is not a PyTorch checkpoint`);
    const prefix = pickleName.slice(0, -'data.pkl'.length);
    const pickle = entries.get(pickleName)!;
    if (pickle.method !== 0 || pickle.size > MAX_PICKLE_BYTES)
      refuse('unreadable', `${file}: data.pkl is compressed or too large`);
    const root = unpickle(await readAt(handle, await pickle.dataStart(), pickle.size), (key, dtype, numel, bytes) => {
      if (!/^\w+$/.test(key)) refuse('unreadable', `${file}: bad storage key ${key}`);
      return new StorageRef(key, dtype, numel, bytes);
    });
    const refs = stateDict(root, file);
    const tensors = new Map<string, CheckpointTensor>();
    for (const [name, ref] of refs) tensors.set(name, { name, dims: ref.dims, dtype: ref.storage.dtype });

    return {
      file,
      format: 'ckpt',
      tensors,
      metadata: {},
      async read(name) {
        const ref = refs.get(name);
        if (!ref?.storage.dtype) throw new Error(`ckpt: no float tensor "${name}"`);
        return readView(ref, entries.get(`${prefix}data/${ref.storage.key}`), file);
      },
      close: () => handle.close(),
    };

    async function readView(ref: TensorRef, entry: ZipEntry | undefined, what: string): Promise<Float32Array> {
      const { storage, dims, strides, offset } = ref;
      const dtype = storage.dtype!;
      if (!entry) return refuse('incomplete', `${what}: storage ${storage.key} is missing from the archive`);
      if (entry.method !== 0) return refuse('unreadable', `${what}: storage ${storage.key} is compressed`);
      if (entry.size !== storage.numel * DTYPE_BYTES[dtype])
        refuse('unreadable', `${what}: storage ${storage.key} has the wrong size`);
      const count = dims.reduce((p, d) => p * d, 1);
      const start = await entry.dataStart();
      if (isContiguous(dims, strides)) {
        const bytes = await readAt(handle, start + offset * DTYPE_BYTES[dtype], count * DTYPE_BYTES[dtype]);
        return decodeFloats(bytes, 0, count, dtype, `tensor of storage ${storage.key}`);
      }
      const whole = decodeFloats(await readAt(handle, start, entry.size), 0, storage.numel, dtype, storage.key);
      return gather(whole, offset, dims, strides);
    }
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The name → tensor map: the root dict itself, or its `state_dict` (Lightning), tensors only. */
function stateDict(root: unknown, file: string): Map<string, TensorRef> {
  let dict = root instanceof Map ? root : refuse('unreadable', `${file}: the pickle does not hold a dict of tensors`);
  if (dict.get('state_dict') instanceof Map) dict = dict.get('state_dict') as Map<unknown, unknown>;
  const out = new Map<string, TensorRef>();
  for (const [key, value] of dict) if (value instanceof TensorRef) out.set(String(key), value);
  return out;
}

function isContiguous(dims: number[], strides: number[]): boolean {
  let expected = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    if (dims[i] !== 1 && strides[i] !== expected) return false;
    expected *= dims[i];
  }
  return true;
}

function gather(values: Float32Array, offset: number, dims: number[], strides: number[]): Float32Array {
  const count = dims.reduce((p, d) => p * d, 1);
  const out = new Float32Array(count);
  const index = new Array<number>(dims.length).fill(0);
  for (let i = 0; i < count; i++) {
    out[i] = values[offset + index.reduce((s, k, j) => s + k * strides[j], 0)];
    for (let j = dims.length - 1; j >= 0 && ++index[j] === dims[j]; j--) index[j] = 0;
  }
  return out;
}
