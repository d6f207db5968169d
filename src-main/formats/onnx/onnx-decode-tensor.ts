// TensorProto bytes → OnnxTensor: raw_data stays a view of the model's bytes; the typed data fields (packed or not,
// as old exporters wrote them) become typed arrays.
import { float32s, int64s, payload, text, WIRE_BYTES, WIRE_VARINT, type Field } from '../protobuf';
import { decodeEntry, expect, OnnxDecodeError, walk } from './onnx-decode-fields';
import type { OnnxTensor } from './onnx-types';

export function decodeTensor(bytes: Uint8Array): OnnxTensor {
  const tensor: OnnxTensor = { dataType: 0, dims: [], unknownFields: [] };
  const ints32: number[] = [];
  const ints64: bigint[] = [];
  const uints64: bigint[] = [];
  const floats: number[] = [];
  const doubles: number[] = [];
  let hasFloats = false;
  let hasInts32 = false;
  let hasInts64 = false;
  let hasDoubles = false;
  let hasUints64 = false;
  walk(bytes, tensor.unknownFields, (f) => {
    switch (f.number) {
      case 1:
        int64s(bytes, f, tensor.dims);
        break;
      case 2:
        expect(f, WIRE_VARINT, 'tensor data_type');
        tensor.dataType = f.value;
        break;
      case 4:
        hasFloats = true;
        float32s(bytes, f, floats);
        break;
      case 5:
        hasInts32 = true;
        varints(bytes, f, (b) => ints32.push(Number(BigInt.asIntN(32, b))));
        break;
      case 6:
        expect(f, WIRE_BYTES, 'tensor string_data');
        (tensor.stringData ??= []).push(payload(bytes, f));
        break;
      case 7:
        hasInts64 = true;
        varints(bytes, f, (b) => ints64.push(BigInt.asIntN(64, b)));
        break;
      case 8:
        expect(f, WIRE_BYTES, 'tensor name');
        tensor.name = text(bytes, f);
        break;
      case 9:
        expect(f, WIRE_BYTES, 'tensor raw_data');
        tensor.rawData = payload(bytes, f);
        break;
      case 10:
        hasDoubles = true;
        fixed64s(bytes, f, doubles);
        break;
      case 11:
        hasUints64 = true;
        varints(bytes, f, (b) => uints64.push(b));
        break;
      case 12:
        expect(f, WIRE_BYTES, 'tensor doc_string');
        tensor.docString = text(bytes, f);
        break;
      case 13:
        expect(f, WIRE_BYTES, 'tensor external_data');
        (tensor.externalData ??= []).push(decodeEntry(payload(bytes, f)));
        break;
      case 14:
        expect(f, WIRE_VARINT, 'tensor data_location');
        tensor.dataLocation = f.value;
        break;
      default:
        return false;
    }
  });
  if (hasFloats) tensor.floatData = Float32Array.from(floats);
  if (hasInts32) tensor.int32Data = Int32Array.from(ints32);
  if (hasInts64) tensor.int64Data = BigInt64Array.from(ints64);
  if (hasDoubles) tensor.doubleData = Float64Array.from(doubles);
  if (hasUints64) tensor.uint64Data = BigUint64Array.from(uints64);
  return tensor;
}

/** Unsigned varints of a repeated field, packed or not, as exact bigints (int64 and uint64 data). */
function varints(bytes: Uint8Array, f: Field, each: (value: bigint) => void): void {
  const data = f.wire === WIRE_BYTES ? payload(bytes, f) : bytes.subarray(f.payloadStart, f.end);
  for (let at = 0; at < data.length;) {
    let big = 0n;
    let shift = 0n;
    for (;;) {
      if (at >= data.length) throw new OnnxDecodeError('a varint runs past its field');
      const byte = data[at++];
      big |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if (!(byte & 0x80)) break;
    }
    each(BigInt.asUintN(64, big));
  }
}

function fixed64s(bytes: Uint8Array, f: Field, into: number[]): void {
  const data = f.wire === WIRE_BYTES ? payload(bytes, f) : bytes.subarray(f.payloadStart, f.end);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let at = 0; at + 8 <= data.length; at += 8) into.push(view.getFloat64(at, true));
}
