// safetensors (huggingface/safetensors format spec): u64 LE header length, JSON header, raw little-endian tensors.
// The reader refuses what the reference implementation refuses: tensors must tile the data section exactly, in
// order, from byte 0 to its end (no overlaps, no gaps, nothing past the end), each name once, each size matching
// its dtype × shape.
import { fail } from './concept-errors';
import { findDuplicateKey } from './json-duplicate-keys';
import { decodeFloats, DTYPE_BYTES, type FloatDtype } from './tensor-dtypes';

export interface FloatTensor {
  dims: number[];
  values: Float32Array;
}

export interface TensorFile {
  tensors: Map<string, FloatTensor>;
  metadata: Record<string, unknown>;
}

export const MAX_HEADER_BYTES = 1 << 20;
const DTYPES: Record<string, FloatDtype> = { F32: 'f32', F16: 'f16', BF16: 'bf16' };
/** Bytes per element of the other dtypes a checkpoint may hold (e.g. CLIP's int64 position_ids), never decoded. */
const OTHER_DTYPE_BYTES: Record<string, number> = {
  F64: 8,
  I64: 8,
  U64: 8,
  I32: 4,
  U32: 4,
  I16: 2,
  U16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

export interface SafetensorsEntry {
  name: string;
  /** null: a non-float tensor (allowed only with `nonFloat: 'keep'`), never decoded. */
  dtype: FloatDtype | null;
  dims: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** Each tensor's dtype, shape and byte range within the data section, in the header's order. */
  entries: SafetensorsEntry[];
  metadata: Record<string, unknown>;
  /** Where the data section starts in the file (8 + header length). */
  dataStart: number;
}

export function readSafetensors(bytes: Uint8Array): TensorFile {
  const { entries, metadata, dataStart } = parseSafetensorsHeader(bytes, bytes.length);
  const tensors = new Map<string, FloatTensor>();
  for (const e of entries) {
    if (!e.dtype) continue; // unreachable: the header was parsed refusing non-float dtypes
    const count = (e.end - e.begin) / DTYPE_BYTES[e.dtype];
    tensors.set(e.name, {
      dims: e.dims,
      values: decodeFloats(bytes, dataStart + e.begin, count, e.dtype, `safetensors tensor "${e.name}"`),
    });
  }
  return { tensors, metadata };
}

/**
 * Checks the header of a file of `fileLength` bytes; `head` holds at least its first 8 + header-length bytes, so
 * a large file can be checked from its first megabyte and its tensors read one at a time.
 */
export function parseSafetensorsHeader(
  head: Uint8Array,
  fileLength: number,
  options: { nonFloat: 'refuse' | 'keep' } = { nonFloat: 'refuse' },
): SafetensorsHeader {
  if (fileLength < 8 || head.length < 8)
    fail('truncated', 'safetensors: the file is shorter than its 8-byte header length');
  const view = new DataView(head.buffer, head.byteOffset, head.length);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES))
    fail('too_large', `safetensors: header of ${headerLength} bytes is too large`);
  const dataStart = 8 + Number(headerLength);
  if (dataStart > fileLength || dataStart > head.length)
    fail('truncated', 'safetensors: the header runs past the end of the file');
  let text = '';
  let header: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(8, dataStart));
    header = JSON.parse(text);
  } catch {
    fail('malformed', 'safetensors: the header is not valid JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('malformed', 'safetensors: the header is not a JSON object');
  // JSON.parse keeps the last of a repeated key: a second tensor of the same name would silently replace the first.
  const duplicate = findDuplicateKey(text);
  if (duplicate !== null) fail('malformed', `safetensors: the header names "${duplicate}" twice`);

  let metadata: Record<string, unknown> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
        fail('malformed', 'safetensors: __metadata__ is not an object');
      metadata = entry as Record<string, unknown>;
      continue;
    }
    entries.push(checkEntry(name, entry, options.nonFloat === 'keep'));
  }
  checkLayout(entries, fileLength - dataStart);
  return { entries, metadata, dataStart };
}

function checkEntry(name: string, entry: unknown, keepNonFloat: boolean): SafetensorsEntry {
  const what = `safetensors tensor "${name}"`;
  const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return fail('malformed', `${what}: not an object`);
  const dtype = DTYPES[String(e.dtype)] ?? null;
  const otherBytes = keepNonFloat ? OTHER_DTYPE_BYTES[String(e.dtype)] : undefined;
  if (!dtype && !otherBytes) fail('unsupported', `${what}: dtype ${String(e.dtype)} is not one of F32, F16, BF16`);
  const dims = e.shape;
  if (!Array.isArray(dims) || dims.length > 4 || !dims.every((d) => Number.isSafeInteger(d) && d >= 0))
    fail('malformed', `${what}: bad shape ${JSON.stringify(dims)}`);
  const offsets = e.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0))
    fail('malformed', `${what}: data_offsets ${JSON.stringify(offsets)} are not two whole numbers ≥ 0`);
  const [begin, end] = offsets as number[];
  if (end < begin) fail('malformed', `${what}: data_offsets end (${end}) before they begin (${begin})`);
  const needed = (dims as number[]).reduce((a, b) => a * b, 1) * (dtype ? DTYPE_BYTES[dtype] : otherBytes!);
  if (end - begin !== needed)
    fail('malformed', `${what}: data_offsets span ${end - begin} bytes, shape needs ${needed}`);
  return { name, dtype, dims: dims as number[], begin, end };
}

/** Sorted by offset, each tensor must start where the previous ended, the first at 0, the last at the data's end. */
function checkLayout(entries: SafetensorsEntry[], dataLength: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous: SafetensorsEntry | null = null;
  for (const e of sorted) {
    const what = `safetensors tensor "${e.name}"`;
    if (e.begin < expected) fail('malformed', `${what}: its data overlaps tensor "${previous!.name}"`);
    if (e.begin > expected)
      fail(
        'malformed',
        previous
          ? `${what}: ${e.begin - expected} bytes of gap after tensor "${previous.name}"`
          : `${what}: the data does not start at offset 0 (first tensor begins at ${e.begin})`,
      );
    if (e.end > dataLength) fail('truncated', `${what}: tensor data runs past the file's end`);
    expected = e.end;
    previous = e;
  }
  if (expected !== dataLength)
    fail('malformed', `safetensors: ${dataLength - expected} bytes after the last tensor belong to none`);
}
