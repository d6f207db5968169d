// TensorProto helpers: sizes, where the bytes are (inline or external), and the values as typed arrays.
import { DataType, type ExternalData, type OnnxTensor } from './onnx-types';

const elementSizes: Record<number, number> = {
  [DataType.FLOAT]: 4,
  [DataType.UINT8]: 1,
  [DataType.INT8]: 1,
  [DataType.UINT16]: 2,
  [DataType.INT16]: 2,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
  [DataType.BOOL]: 1,
  [DataType.FLOAT16]: 2,
  [DataType.DOUBLE]: 8,
  [DataType.UINT32]: 4,
  [DataType.UINT64]: 8,
  [DataType.COMPLEX64]: 8,
  [DataType.COMPLEX128]: 16,
  [DataType.BFLOAT16]: 2,
};

/** Bytes per element, or 0 for strings and types this codec cannot lay out. */
export const elementSize = (dataType: number): number => elementSizes[dataType] ?? 0;

export const elementCount = (dims: readonly number[]): number => dims.reduce((n, d) => n * d, 1);

/** The tensor's external location, or null when its data is in the model. */
export function externalData(tensor: OnnxTensor): ExternalData | null {
  if (tensor.dataLocation !== 1) return null;
  const entries = new Map((tensor.externalData ?? []).map((e) => [e.key, e.value]));
  const location = entries.get('location');
  if (!location) throw new Error(`tensor ${tensor.name ?? '(unnamed)'} is external but names no location`);
  const offset = Number(entries.get('offset') ?? 0);
  const length = entries.has('length') ? Number(entries.get('length')) : undefined;
  if (
    !Number.isSafeInteger(offset) ||
    offset < 0 ||
    (length !== undefined && !(Number.isSafeInteger(length) && length >= 0))
  )
    throw new Error(`tensor ${tensor.name ?? '(unnamed)'} has a malformed external offset or length`);
  return length === undefined ? { location, offset } : { location, offset, length };
}

/** Size in bytes of the tensor's data as raw little-endian values. */
export const byteLength = (tensor: OnnxTensor): number => elementCount(tensor.dims) * elementSize(tensor.dataType);

/**
 * The data as little-endian bytes, for tensors held in the model: raw_data as it is (a view), typed fields laid out
 * anew. External tensors must be loaded first (onnx-file.ts).
 */
export function inlineBytes(tensor: OnnxTensor): Uint8Array {
  if (externalData(tensor)) throw new Error(`tensor ${tensor.name ?? '(unnamed)'} keeps its data in an external file`);
  if (tensor.rawData) return tensor.rawData;
  const size = elementSize(tensor.dataType);
  const count = elementCount(tensor.dims);
  if (size === 0) throw new Error(`tensor ${tensor.name ?? '(unnamed)'} has data type ${tensor.dataType}, not numeric`);
  const out = new Uint8Array(count * size);
  const view = new DataView(out.buffer);
  const source =
    tensor.floatData ?? tensor.int32Data ?? tensor.int64Data ?? tensor.doubleData ?? tensor.uint64Data ?? null;
  // Complex numbers are two floats (or doubles) per element.
  const values = tensor.dataType === DataType.COMPLEX64 || tensor.dataType === DataType.COMPLEX128 ? count * 2 : count;
  if (!source || source.length !== values) {
    if (count === 0) return out;
    throw new Error(`tensor ${tensor.name ?? '(unnamed)'} holds ${source?.length ?? 0} values for ${values}`);
  }
  for (let i = 0; i < values; i++) writeValue(view, tensor.dataType, i, source[i]);
  return out;
}

function writeValue(view: DataView, type: number, i: number, value: number | bigint): void {
  switch (type) {
    case DataType.FLOAT:
    case DataType.COMPLEX64:
      return view.setFloat32(i * 4, Number(value), true);
    case DataType.DOUBLE:
    case DataType.COMPLEX128:
      return view.setFloat64(i * 8, Number(value), true);
    case DataType.INT64:
      return view.setBigInt64(i * 8, BigInt(value), true);
    case DataType.UINT64:
      return view.setBigUint64(i * 8, BigInt(value), true);
    case DataType.UINT32:
      return view.setUint32(i * 4, Number(value), true);
    case DataType.INT32:
      return view.setInt32(i * 4, Number(value), true);
    case DataType.UINT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
    case DataType.INT16:
      return view.setUint16(i * 2, Number(value) & 0xffff, true);
    default:
      return view.setUint8(i, Number(value) & 0xff);
  }
}

/** A copy of the values of a float32 tensor held in the model. */
export function float32Values(tensor: OnnxTensor): Float32Array {
  if (tensor.dataType !== DataType.FLOAT) throw new Error(`tensor ${tensor.name ?? ''} is not float32`);
  const bytes = inlineBytes(tensor);
  return new Float32Array(bytes.slice().buffer);
}

/** The values of an int64 or int32 tensor held in the model, as numbers (shape arithmetic). */
export function integerValues(tensor: OnnxTensor): number[] {
  const bytes = inlineBytes(tensor);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = elementCount(tensor.dims);
  const out: number[] = [];
  if (tensor.dataType === DataType.INT64)
    for (let i = 0; i < count; i++) out.push(Number(view.getBigInt64(i * 8, true)));
  else if (tensor.dataType === DataType.INT32) for (let i = 0; i < count; i++) out.push(view.getInt32(i * 4, true));
  else throw new Error(`tensor ${tensor.name ?? ''} is not int32/int64`);
  return out;
}

/** A new tensor with raw little-endian data. */
export function rawTensor(name: string, dataType: number, dims: readonly number[], data: Uint8Array): OnnxTensor {
  return { name, dataType, dims: [...dims], rawData: data, unknownFields: [] };
}

export function float32Tensor(
  name: string,
  dims: readonly number[],
  values: Float32Array | readonly number[],
): OnnxTensor {
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  return rawTensor(name, DataType.FLOAT, dims, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** int64 values; numbers past the int64 range (INT64_MAX read back as 2^63) are clamped to it. */
export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): OnnxTensor {
  const [min, max] = [-(2n ** 63n), 2n ** 63n - 1n];
  const clamp = (v: bigint) => (v > max ? max : v < min ? min : v);
  const data = BigInt64Array.from(values.map((v) => clamp(BigInt(v))));
  return rawTensor(name, DataType.INT64, dims, new Uint8Array(data.buffer));
}
