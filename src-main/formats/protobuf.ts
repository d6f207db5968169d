// The protobuf wire format (protobuf.dev/programming-guides/encoding): a field walker that hands out slices of the
// message (payloads stay views, never copies: ONNX weights can be gigabytes) and a writer that collects parts.
import { concatBytes } from './bytes';

export interface Field {
  number: number;
  wire: number;
  /** The whole field, tag included, as a slice of the message. */
  start: number;
  end: number;
  /** Varint value (wire 0; exact below 2^53, see readInt64 for signed values), or the payload length (wire 2). */
  value: number;
  /** Where the varint (wire 0), the fixed value (wires 1, 5) or the payload (wire 2) starts. */
  payloadStart: number;
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

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

/** An int64 varint as a number: negatives are ten-byte two's complement; exact within ±2^53. */
export function readInt64(bytes: Uint8Array, at: number): [value: number, next: number] {
  const [value, next] = readVarint(bytes, at);
  // Seven bytes hold 49 bits, so shorter varints are exact non-negative numbers; longer ones go through BigInt.
  if (next - at <= 7) return [value, next];
  let big = 0n;
  for (let i = next - 1; i >= at; i--) big = (big << 7n) | BigInt(bytes[i] & 0x7f);
  return [Number(BigInt.asIntN(64, big)), next];
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
    if (wire === WIRE_VARINT) [value, at] = readVarint(bytes, at);
    else if (wire === WIRE_FIXED64) at += 8;
    else if (wire === WIRE_FIXED32) at += 4;
    else if (wire === WIRE_BYTES) {
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

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

export const text = (bytes: Uint8Array, field: Field): string => utf8Decoder.decode(payload(bytes, field));

/** A wire-0 field read as a signed int64. */
export const int64 = (bytes: Uint8Array, field: Field): number => readInt64(bytes, field.payloadStart)[0];

/** A wire-5 field read as a float. */
export const float32 = (bytes: Uint8Array, field: Field): number =>
  new DataView(bytes.buffer, bytes.byteOffset + field.payloadStart, 4).getFloat32(0, true);

/** The numbers of a repeated int64 field, packed (wire 2) or one per field (wire 0). */
export function int64s(bytes: Uint8Array, field: Field, into: number[]): void {
  if (field.wire === WIRE_VARINT) {
    into.push(int64(bytes, field));
    return;
  }
  const data = payload(bytes, field);
  for (let at = 0; at < data.length;) {
    let value: number;
    [value, at] = readInt64(data, at);
    into.push(value);
  }
}

/** The numbers of a repeated float field, packed (wire 2) or one per field (wire 5). */
export function float32s(bytes: Uint8Array, field: Field, into: number[]): void {
  if (field.wire === WIRE_FIXED32) {
    into.push(float32(bytes, field));
    return;
  }
  const data = payload(bytes, field);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let at = 0; at + 4 <= data.length; at += 4) into.push(view.getFloat32(at, true));
}

export function varint(value: number): Uint8Array {
  const out: number[] = [];
  while (value >= 128) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return Uint8Array.from(out);
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** An int64 as a varint; numbers past the int64 range (INT64_MAX read back as 2^63) are clamped to it. */
export function int64Varint(value: number): Uint8Array {
  if (value >= 0 && value <= Number.MAX_SAFE_INTEGER) return varint(value);
  let big = BigInt(Math.trunc(value));
  big = big > INT64_MAX ? INT64_MAX : big < INT64_MIN ? INT64_MIN : big;
  let unsigned = BigInt.asUintN(64, big);
  const out: number[] = [];
  while (unsigned >= 128n) {
    out.push(Number(unsigned & 0x7fn) | 0x80);
    unsigned >>= 7n;
  }
  out.push(Number(unsigned));
  return Uint8Array.from(out);
}

export const varintField = (number: number, value: number): Uint8Array =>
  concatBytes([varint(number * 8), varint(value)]);

export const bytesField = (number: number, data: Uint8Array): Uint8Array =>
  concatBytes([varint(number * 8 + 2), varint(data.length), data]);

/**
 * A message being written, as a list of parts: payloads are kept by reference, so a model's weights are copied
 * once, when the parts are joined or written to a file.
 */
export class ProtoWriter {
  readonly parts: Uint8Array[] = [];
  length = 0;

  private push(part: Uint8Array): void {
    this.parts.push(part);
    this.length += part.length;
  }

  private tag(number: number, wire: number): void {
    this.push(varint(number * 8 + wire));
  }

  int64(number: number, value: number): this {
    this.tag(number, WIRE_VARINT);
    this.push(int64Varint(value));
    return this;
  }

  float(number: number, value: number): this {
    this.tag(number, WIRE_FIXED32);
    const out = new Uint8Array(4);
    new DataView(out.buffer).setFloat32(0, value, true);
    this.push(out);
    return this;
  }

  bytes(number: number, data: Uint8Array): this {
    this.tag(number, WIRE_BYTES);
    this.push(varint(data.length));
    if (data.length > 0) this.push(data);
    return this;
  }

  string(number: number, value: string): this {
    return this.bytes(number, utf8Encoder.encode(value));
  }

  message(number: number, message: ProtoWriter): this {
    this.tag(number, WIRE_BYTES);
    this.push(varint(message.length));
    for (const part of message.parts) this.push(part);
    return this;
  }

  packedInt64s(number: number, values: ArrayLike<number | bigint>): this {
    const items: Uint8Array[] = [];
    for (let i = 0; i < values.length; i++) items.push(int64Varint(Number(values[i])));
    return this.bytes(number, concatBytes(items));
  }

  /** Bytes copied verbatim (a field kept from a decoded message). */
  raw(data: Uint8Array): this {
    this.push(data);
    return this;
  }

  toBytes(): Uint8Array {
    return concatBytes(this.parts);
  }
}
