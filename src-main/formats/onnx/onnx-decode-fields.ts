// Shared pieces of the ONNX decoder: the error it throws and the field walk every message decoder uses.
import { readFields, text, WIRE_BYTES, type Field } from '../protobuf';
import type { StringEntry } from './onnx-types';

export class OnnxDecodeError extends Error {
  constructor(message: string) {
    super(`not a readable ONNX model: ${message}`);
    this.name = 'OnnxDecodeError';
  }
}

/** Calls `on` for each field; fields it does not take (returns false) are kept verbatim in `unknown`. */
export function walk(bytes: Uint8Array, unknown: Uint8Array[], on: (field: Field) => boolean | void): void {
  for (const field of readFields(bytes)) {
    if (on(field) === false) unknown.push(bytes.subarray(field.start, field.end));
  }
}

/** A field's payload when it has the wire type the schema says; anything else is a malformed model. */
export function expect(field: Field, wire: number, what: string): void {
  if (field.wire !== wire) throw new OnnxDecodeError(`${what} has wire type ${field.wire}, expected ${wire}`);
}

export function decodeEntry(bytes: Uint8Array): StringEntry {
  const entry = { key: '', value: '' };
  walk(bytes, [], (f) => {
    if (f.number === 1 && f.wire === WIRE_BYTES) entry.key = text(bytes, f);
    else if (f.number === 2 && f.wire === WIRE_BYTES) entry.value = text(bytes, f);
    else return false;
  });
  return entry;
}
