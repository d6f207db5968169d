// PNG text chunks (tEXt, iTXt, zTXt) read and written directly: fast-png writes only Latin-1 tEXt and reads no iTXt,
// while prompts are Unicode and other tools (A1111 via PIL, ComfyUI) write iTXt or zTXt.
import { crc32, inflateSync } from 'node:zlib';
import { concatBytes } from '../bytes';

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** Prompts and workflow JSON are kilobytes; a text chunk inflating past this is a zip bomb, not metadata. */
export const MAX_PNG_TEXT_BYTES = 4 << 20;

/** A PNG refused before its pixels or text are inflated (a decode or zip bomb); the message says why in a user's
 * words. */
export class PngLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PngLimitError';
  }
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

export function hasPngSignature(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  // PNG's chunk CRC is the ISO-HDLC CRC-32 (type + body), the same one zlib computes.
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

const isLatin1 = (text: string) => [...text].every((ch) => ch.charCodeAt(0) <= 0xff);

/** A text chunk as PIL writes one: tEXt when the text is Latin-1, else uncompressed iTXt (UTF-8). */
export function textChunk(keyword: string, text: string): Uint8Array {
  const key = Uint8Array.from(keyword, (ch) => ch.charCodeAt(0));
  if (isLatin1(text)) {
    return chunk('tEXt', concatBytes([key, new Uint8Array([0]), Uint8Array.from(text, (ch) => ch.charCodeAt(0))]));
  }
  // keyword \0 compression-flag(0) method(0) language \0 translated-keyword \0 text
  return chunk('iTXt', concatBytes([key, new Uint8Array([0, 0, 0, 0, 0]), new TextEncoder().encode(text)]));
}

/** Inserts chunks right after IHDR, where PIL and A1111 put their text, ahead of the image data. */
export function insertAfterHeader(png: Uint8Array, chunks: Uint8Array[]): Uint8Array {
  const headerEnd = 8 + 12 + new DataView(png.buffer, png.byteOffset).getUint32(8);
  return concatBytes([png.subarray(0, headerEnd), ...chunks, png.subarray(headerEnd)]);
}

/** Every tEXt, iTXt and zTXt keyword → text (the first of a repeated keyword wins). Throws a PngLimitError for a
 * compressed text that inflates past MAX_PNG_TEXT_BYTES, having inflated no more than that. */
export function readTextChunks(png: Uint8Array): Record<string, string> {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const texts: Record<string, string> = {};
  let offset = 8;
  while (offset + 12 <= png.length) {
    const length = view.getUint32(offset);
    const type = latin1.decode(png.subarray(offset + 4, offset + 8));
    const body = png.subarray(offset + 8, Math.min(png.length, offset + 8 + length));
    offset += 12 + length;
    if (type === 'IEND') break;
    const isText = type === 'tEXt' || type === 'iTXt' || type === 'zTXt';
    if (isText && length > MAX_PNG_TEXT_BYTES)
      throw new PngLimitError(`a ${type} chunk of ${length} bytes is larger than ${MAX_PNG_TEXT_BYTES >> 20} MiB`);
    const entry = isText ? parseText(type, body) : null;
    if (entry && !(entry[0] in texts)) texts[entry[0]] = entry[1];
  }
  return texts;
}

function parseText(type: string, body: Uint8Array): [string, string] | null {
  const keyEnd = body.indexOf(0);
  if (keyEnd <= 0) return null;
  const keyword = latin1.decode(body.subarray(0, keyEnd));
  try {
    if (type === 'tEXt') return [keyword, latin1.decode(body.subarray(keyEnd + 1))];
    if (type === 'zTXt') return [keyword, latin1.decode(inflateText(keyword, body.subarray(keyEnd + 2)))];
    const compressed = body[keyEnd + 1] === 1;
    const languageEnd = body.indexOf(0, keyEnd + 3);
    const translatedEnd = body.indexOf(0, languageEnd + 1);
    if (languageEnd < 0 || translatedEnd < 0) return null;
    const text = body.subarray(translatedEnd + 1);
    return [keyword, utf8.decode(compressed ? inflateText(keyword, text) : text)];
  } catch (error) {
    if (error instanceof PngLimitError) throw error;
    return null; // A damaged text chunk is skipped, like a reader that checks nothing else would.
  }
}

function inflateText(keyword: string, compressed: Uint8Array): Uint8Array {
  try {
    return inflateSync(compressed, { maxOutputLength: MAX_PNG_TEXT_BYTES });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new PngLimitError(`the text chunk "${keyword}" inflates past ${MAX_PNG_TEXT_BYTES >> 20} MiB (a zip bomb)`);
    throw error;
  }
}
