// safetensors (huggingface/safetensors format spec): u64 LE header length, JSON header, raw little-endian tensors.
import { fail } from './concept-errors';
import { decodeFloats, DTYPE_BYTES, type FloatDtype } from './tensor-dtypes';

export interface FloatTensor {
  dims: number[];
  values: Float32Array;
}

export interface TensorFile {
  tensors: Map<string, FloatTensor>;
  metadata: Record<string, unknown>;
}

const MAX_HEADER_BYTES = 1 << 20;
const DTYPES: Record<string, FloatDtype> = { F32: 'f32', F16: 'f16', BF16: 'bf16' };

export function readSafetensors(bytes: Uint8Array): TensorFile {
  if (bytes.length < 8) fail('truncated', 'safetensors: the file is shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES) fail('too_large', `safetensors: header of ${headerLength} bytes is too large`);
  if (8 + headerLength > bytes.length) fail('truncated', 'safetensors: the header runs past the end of the file');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    fail('malformed', 'safetensors: the header is not valid JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('malformed', 'safetensors: the header is not a JSON object');
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, FloatTensor>();
  let metadata: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry === 'object' && entry !== null) metadata = entry as Record<string, unknown>;
      continue;
    }
    tensors.set(name, readEntry(name, entry, bytes, dataStart));
  }
  return { tensors, metadata };
}

function readEntry(name: string, entry: unknown, bytes: Uint8Array, dataStart: number): FloatTensor {
  const what = `safetensors tensor "${name}"`;
  const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof e !== 'object' || e === null) return fail('malformed', `${what}: not an object`);
  const dtype = DTYPES[String(e.dtype)];
  if (!dtype) fail('unsupported', `${what}: dtype ${String(e.dtype)} is not one of F32, F16, BF16`);
  const dims = e.shape;
  if (!Array.isArray(dims) || dims.length > 4 || !dims.every((d) => Number.isSafeInteger(d) && d >= 0))
    fail('malformed', `${what}: bad shape`);
  const count = (dims as number[]).reduce((a, b) => a * b, 1);
  const offsets = e.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0))
    fail('malformed', `${what}: bad data_offsets`);
  const [begin, end] = offsets as number[];
  if (end - begin !== count * DTYPE_BYTES[dtype])
    fail('malformed', `${what}: data_offsets span ${end - begin} bytes, shape needs ${count * DTYPE_BYTES[dtype]}`);
  return { dims: dims as number[], values: decodeFloats(bytes, dataStart + begin, count, dtype, what) };
}
