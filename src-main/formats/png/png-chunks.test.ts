import { decode, encode } from 'fast-png';
import { describe, expect, test } from 'vitest';
import { hasPngSignature, insertAfterHeader, readTextChunks, textChunk } from './png-chunks';

const image = () => encode({ width: 2, height: 1, data: new Uint8Array([1, 2, 3, 4, 5, 6]), channels: 3, depth: 8 });

describe('PNG text chunks', () => {
  test('a tEXt chunk carries length, type, body and the CRC-32 of type + body', () => {
    // CRC from Python: hex(zlib.crc32(b'tEXtTitle\x00Hi')) == '0xff0fa77d'.
    expect(Array.from(textChunk('Title', 'Hi'))).toEqual([
      0,
      0,
      0,
      8,
      ...Buffer.from('tEXtTitle\0Hi', 'latin1'),
      0xff,
      0x0f,
      0xa7,
      0x7d,
    ]);
  });

  test('chunks inserted after IHDR keep the file valid for a reader that checks every CRC', () => {
    const png = insertAfterHeader(image(), [textChunk('parameters', 'a cat'), textChunk('studio', 'ünïcode ✓')]);
    expect(hasPngSignature(png)).toBe(true);
    expect(decode(png, { checkCrc: true }).width).toBe(2);
    expect(readTextChunks(png)).toEqual({ parameters: 'a cat', studio: 'ünïcode ✓' });
  });
});
