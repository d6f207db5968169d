// Just enough of the protobuf wire format (protobuf.dev/programming-guides/encoding) to walk an ONNX model and
// re-encode the few messages whose lengths change; every other field is copied byte for byte.
import { concatBytes } from '../../formats/bytes';

export interface Field {
  number: number;
  wire: number;
  /** The whole field, tag included, as a slice of the message. */
  start: number;
  end: number;
  /** Varint value (wire 0), or the payload bounds (wire 2). */
  value: number;
  payloadStart: number;
}

export function readVarint(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (at >= bytes.length) throw new Error('protobuf: varint runs past the end');
    const byte = bytes[at++];
    value += (byte & 0x7f) * scale;
    if (!(byte & 0x80)) return [value, at];
    scale *= 128;
  }
  throw new Error('protobuf: varint too long');
}

export function readFields(bytes: Uint8Array): Field[] {
  const fields: Field[] = [];
  let at = 0;
  while (at < bytes.length) {
    const start = at;
    let tag: number;
    [tag, at] = readVarint(bytes, at);
    const wire = tag % 8;
    const number = Math.floor(tag / 8);
    let value = 0;
    let payloadStart = at;
    if (wire === 0) [value, at] = readVarint(bytes, at);
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      [value, payloadStart] = readVarint(bytes, at);
      at = payloadStart + value;
    } else throw new Error(`protobuf: unsupported wire type ${wire}`);
    if (at > bytes.length) throw new Error('protobuf: field runs past the end');
    fields.push({ number, wire, start, end: at, value, payloadStart });
  }
  return fields;
}

export const payload = (bytes: Uint8Array, field: Field): Uint8Array =>
  bytes.subarray(field.payloadStart, field.payloadStart + field.value);

export const text = (bytes: Uint8Array, field: Field): string => new TextDecoder().decode(payload(bytes, field));

export function varint(value: number): Uint8Array {
  const out: number[] = [];
  while (value >= 128) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return Uint8Array.from(out);
}

export const varintField = (number: number, value: number): Uint8Array =>
  concatBytes([varint(number * 8), varint(value)]);

export const bytesField = (number: number, data: Uint8Array): Uint8Array =>
  concatBytes([varint(number * 8 + 2), varint(data.length), data]);
