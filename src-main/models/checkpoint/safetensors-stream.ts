// A safetensors checkpoint read one tensor at a time through a file handle: the header is checked once by the
// concepts service's hardened parser, then each read allocates only that tensor (peak memory ≈ the largest tensor).
import { open } from 'node:fs/promises';
import { decodeFloats, DTYPE_BYTES, MAX_HEADER_BYTES, parseSafetensorsHeader } from '../../concepts';
import type { CheckpointReader, CheckpointTensor } from './checkpoint-reader';
import { readAt } from './zip-index';

export async function openSafetensors(file: string): Promise<CheckpointReader> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const head = await readAt(handle, 0, Math.min(size, 8 + MAX_HEADER_BYTES));
    const header = parseSafetensorsHeader(head, size, { nonFloat: 'keep' });
    const tensors = new Map<string, CheckpointTensor>();
    const where = new Map<string, { start: number; count: number }>();
    for (const e of header.entries) {
      tensors.set(e.name, { name: e.name, dims: e.dims, dtype: e.dtype });
      if (e.dtype) where.set(e.name, { start: header.dataStart + e.begin, count: (e.end - e.begin) / DTYPE_BYTES[e.dtype] });
    }
    return {
      file,
      format: 'safetensors',
      tensors,
      metadata: header.metadata,
      async read(name) {
        const at = where.get(name);
        const tensor = tensors.get(name);
        if (!at || !tensor?.dtype) throw new Error(`safetensors: no float tensor "${name}"`);
        const bytes = await readAt(handle, at.start, at.count * DTYPE_BYTES[tensor.dtype]);
        return decodeFloats(bytes, 0, at.count, tensor.dtype, `tensor "${name}"`);
      },
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
