// Test support: PNGs built or damaged chunk by chunk, with correct CRCs unless a test breaks them on purpose.
import { crc32, deflateSync } from 'node:zlib';

export function pngChunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/** The chunks of a PNG, in order: offset of the length field, type, body, and the whole chunk's bytes. */
export function pngChunks(png: Uint8Array): { offset: number; type: string; body: Uint8Array; bytes: Uint8Array }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks = [];
  for (let offset = 8; offset + 12 <= png.length;) {
    const length = view.getUint32(offset);
    const type = Buffer.from(png.subarray(offset + 4, offset + 8)).toString('latin1');
    const body = png.subarray(offset + 8, offset + 8 + length);
    chunks.push({ offset, type, body, bytes: png.subarray(offset, offset + 12 + length) });
    offset += 12 + length;
  }
  return chunks;
}

/** The same PNG reassembled from chunks (signature kept), e.g. after reordering or replacing some. */
export function pngFromChunks(signatureOf: Uint8Array, chunks: Uint8Array[]): Uint8Array {
  return Buffer.concat([signatureOf.subarray(0, 8), ...chunks]);
}

/** The PNG with its IHDR saying width × height (CRC fixed), whatever its image data holds: a decode bomb when huge. */
export function withHeaderSize(png: Uint8Array, width: number, height: number): Uint8Array {
  const out = Uint8Array.from(png); // never a view: Buffer.slice shares memory
  const view = new DataView(out.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  view.setUint32(29, crc32(out.subarray(12, 29)));
  return out;
}

/** A compressed text chunk of `inflated` zero bytes: a few KB on disk, as large as asked once inflated. */
export function zipBombText(type: 'zTXt' | 'iTXt', keyword: string, inflated: number): Uint8Array {
  const compressed = deflateSync(Buffer.alloc(inflated), { level: 9 });
  const key = Buffer.from(keyword, 'latin1');
  const head = type === 'zTXt' ? [0, 0] : [0, 1, 0, 0, 0];
  return pngChunk(type, Buffer.concat([key, Uint8Array.from(head), compressed]));
}
