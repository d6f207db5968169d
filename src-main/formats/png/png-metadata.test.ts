import { deflateSync } from 'node:zlib';
import { decode, encode } from 'fast-png';
import { describe, expect, test } from 'vitest';
import type { ResolvedSettings } from '../../engine';
import { insertAfterHeader, MAX_PNG_TEXT_BYTES, PngLimitError } from './png-chunks';
import { a1111Parameters, decodePngRgb, encodePngWithMetadata, readPngMetadata } from './png-metadata';
import { pngChunk, pngChunks, pngFromChunks, withHeaderSize, zipBombText } from './test-support/png-craft';

const settings: ResolvedSettings = {
  prompt: 'a red fox, watercolor',
  negative: 'blurry',
  seed: 18446744073709551615n,
  steps: 20,
  guidance: 7.5,
  scheduler: 'euler-a',
  width: 64,
  height: 48,
  batch: 1,
  strength: null,
  model: { name: 'tiny-sd', hash: '0123456789' },
};

const rgb = Uint8Array.from({ length: 64 * 48 * 3 }, (_, i) => (i * 7) % 256);

describe('A1111 parameters', () => {
  test('txt2img', () => {
    expect(a1111Parameters(settings)).toBe(
      'a red fox, watercolor\nNegative prompt: blurry\n' +
        'Steps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 18446744073709551615, Size: 64x48, Model hash: 0123456789, Model: tiny-sd',
    );
  });

  test('img2img, batch, no negative, a model name that needs quoting', () => {
    const text = a1111Parameters(
      {
        ...settings,
        negative: '',
        guidance: 7,
        strength: 0.6,
        batch: 2,
        scheduler: 'dpmpp-2m-karras',
        model: { name: 'v1,5: x', hash: 'ab' },
      },
      1,
    );
    expect(text).toBe(
      'a red fox, watercolor\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7.0, Seed: 18446744073709551615, Size: 64x48, ' +
        'Model hash: ab, Model: "v1,5: x", Batch size: 2, Batch pos: 1, Denoising strength: 0.6',
    );
  });
});

describe('PNG round trip', () => {
  test('pixels, parameters and the studio recipe survive, Unicode included', () => {
    const unicode = { ...settings, prompt: 'ein Fuchs 🦊 im Schnee — 雪' };
    const png = encodePngWithMetadata({ rgb, width: 64, height: 48 }, unicode, 0);
    const meta = readPngMetadata(png);
    expect(() => decode(png, { checkCrc: true })).not.toThrow();
    expect(meta.parameters).toBe(a1111Parameters(unicode));
    expect(meta.studio).toEqual({ format: 'diffusion-studio/1', ...unicode, seed: '18446744073709551615', index: 0 });
    const decoded = decodePngRgb(png);
    expect([decoded.width, decoded.height]).toEqual([64, 48]);
    expect(decoded.rgb).toEqual(rgb);
  });

  test('reads zTXt and compressed iTXt written by other tools', () => {
    const base = encode({ width: 1, height: 1, data: Uint8Array.of(1, 2, 3), channels: 3, depth: 8 });
    const chunk = (type: string, body: Uint8Array) => {
      const out = new Uint8Array(12 + body.length);
      new DataView(out.buffer).setUint32(0, body.length);
      out.set(new TextEncoder().encode(type), 4);
      out.set(body, 8);
      return out; // CRC left zero: readers of text chunks here do not check it
    };
    const bytes = (...parts: Array<string | number[] | Uint8Array>) =>
      Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : [...p])));
    const ztxt = chunk('zTXt', bytes('parameters', [0, 0], deflateSync(Buffer.from('from A1111'))));
    const itxt = chunk('iTXt', bytes('prompt', [0, 1, 0], 'en', [0, 0], deflateSync(Buffer.from('{"ü":1}'))));
    const meta = readPngMetadata(insertAfterHeader(base, [ztxt, itxt]));
    expect(meta.parameters).toBe('from A1111');
    expect(meta.text.prompt).toBe('{"ü":1}');
    expect(meta.studio).toBeNull();
  });
});

describe('init images', () => {
  test('RGBA drops alpha; grey spreads to RGB; 16-bit keeps the high byte', () => {
    const rgba = encode({
      width: 2,
      height: 1,
      data: Uint8Array.of(10, 20, 30, 0, 40, 50, 60, 255),
      channels: 4,
      depth: 8,
    });
    expect(Array.from(decodePngRgb(rgba).rgb)).toEqual([10, 20, 30, 40, 50, 60]);
    const grey = encode({ width: 2, height: 1, data: Uint8Array.of(7, 200), channels: 1, depth: 8 });
    expect(Array.from(decodePngRgb(grey).rgb)).toEqual([7, 7, 7, 200, 200, 200]);
    const deep = encode({ width: 1, height: 1, data: Uint16Array.of(0x1234, 0xff00, 0x00ff), channels: 3, depth: 16 });
    expect(Array.from(decodePngRgb(deep).rgb)).toEqual([0x12, 0xff, 0x00]);
  });

  test('non-PNG and damaged files are refused clearly', () => {
    expect(() => decodePngRgb(new TextEncoder().encode('GIF89a....'))).toThrow(/not a PNG file/);
    const png = encodePngWithMetadata({ rgb, width: 64, height: 48 }, settings);
    expect(() => decodePngRgb(png.subarray(0, 200))).toThrow(/damaged PNG/);
    expect(() => readPngMetadata(Uint8Array.of(1, 2, 3))).toThrow(/not a PNG/);
  });
});

describe('resource limits', () => {
  const small = encode({ width: 2, height: 2, data: new Uint8Array(12), channels: 3, depth: 8 });

  test('a 30000×30000 header (a decode bomb in a tiny file) is refused before any pixel is allocated', () => {
    const bomb = withHeaderSize(small, 30000, 30000);
    expect(bomb.length).toBeLessThan(100);
    expect(() => decodePngRgb(bomb)).toThrow(PngLimitError);
    expect(() => decodePngRgb(bomb)).toThrow('the image is 30000×30000 pixels');
    // A side within the bound but too many pixels in all, and one side past the bound, are refused alike.
    expect(() => decodePngRgb(withHeaderSize(small, 8192, 8192))).toThrow(/8192×8192 pixels: larger than/);
    expect(() => decodePngRgb(withHeaderSize(small, 9000, 1))).toThrow(PngLimitError);
    expect(() => decodePngRgb(withHeaderSize(small, 0, 2))).toThrow(/damaged PNG file \(its header says 0×2/);
  });

  test('zip bombs in zTXt and iTXt are refused having inflated no more than the bound', () => {
    const inflated = 16 * MAX_PNG_TEXT_BYTES;
    for (const type of ['zTXt', 'iTXt'] as const) {
      const bomb = insertAfterHeader(small, [zipBombText(type, 'parameters', inflated)]);
      expect(bomb.length).toBeLessThan(inflated / 500);
      expect(() => readPngMetadata(bomb)).toThrow(PngLimitError);
      expect(() => readPngMetadata(bomb)).toThrow('the text chunk "parameters" inflates past 4 MiB (a zip bomb)');
    }
    // Text just within the bound still reads.
    const fits = insertAfterHeader(small, [zipBombText('zTXt', 'parameters', MAX_PNG_TEXT_BYTES)]);
    expect(readPngMetadata(fits).parameters).toHaveLength(MAX_PNG_TEXT_BYTES);
  });
});

describe('what a PNG must pass before it is decoded', () => {
  const rgb4 = Uint8Array.from({ length: 4 * 4 * 3 }, (_, i) => i);
  const good = encode({ width: 4, height: 4, data: rgb4, channels: 3, depth: 8 });
  const parts = pngChunks(good);
  const whole = (type: string) => parts.find((c) => c.type === type)!.bytes;
  const [ihdr, idat, iend] = ['IHDR', 'IDAT', 'IEND'].map(whole);

  test('a wrong CRC, a chunk past the end, a missing IEND, IHDR not first are refused', () => {
    const badCrc = good.slice();
    badCrc[8 + 12 + 13 + 4 + 4 + 2] ^= 1; // inside IDAT's body
    expect(() => decodePngRgb(badCrc)).toThrow(/damaged PNG file \(the "IDAT" chunk's CRC is wrong\)/);
    expect(() => decodePngRgb(good.subarray(0, good.length - 12))).toThrow(/ends before its IEND chunk/);
    expect(() => decodePngRgb(good.subarray(0, good.length - 14))).toThrow(/"IDAT" chunk runs past the end/);
    expect(() => decodePngRgb(pngFromChunks(good, [idat, ihdr, iend]))).toThrow(/no IHDR header first/);
  });

  test('split or foreign critical chunks are refused; ancillary ones pass', () => {
    const text = pngChunk('tEXt', new TextEncoder().encode('k\0v'));
    const half = (n: 0 | 1) => {
      const body = parts.find((c) => c.type === 'IDAT')!.body;
      return pngChunk('IDAT', n === 0 ? body.subarray(0, 10) : body.subarray(10));
    };
    expect(() => decodePngRgb(pngFromChunks(good, [ihdr, half(0), text, half(1), iend]))).toThrow(/not consecutive/);
    expect(decodePngRgb(pngFromChunks(good, [ihdr, half(0), half(1), text, iend])).rgb).toEqual(rgb4);
    const foreign = pngChunk('XYZW', new Uint8Array(4));
    expect(() => decodePngRgb(pngFromChunks(good, [ihdr, foreign, idat, iend]))).toThrow(
      /unknown critical chunk "XYZW"/,
    );
  });

  test("image data that inflates past its header's size (a bomb, or a header that lies) is refused", () => {
    const bomb = pngChunk('IDAT', deflateSync(Buffer.alloc(64 << 20)));
    expect(() => decodePngRgb(pngFromChunks(good, [ihdr, bomb, iend]))).toThrow(
      /image data inflates past the 52 bytes of a 4×4 image/,
    );
    expect(() => decodePngRgb(withHeaderSize(good, 4, 3))).toThrow(/inflates past the 39 bytes of a 4×3 image/);
    expect(() => decodePngRgb(withHeaderSize(good, 4, 5))).toThrow(/holds 52 bytes, a 4×5 image needs 65/);
  });

  test('an iCCP profile bomb never reaches the decoder', () => {
    const profile = pngChunk('iCCP', Buffer.concat([Buffer.from('p\0\0'), deflateSync(Buffer.alloc(64 << 20))]));
    expect(decodePngRgb(pngFromChunks(good, [ihdr, profile, idat, iend])).rgb).toEqual(rgb4);
  });
});
