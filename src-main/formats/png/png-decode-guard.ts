// What a PNG from outside must pass before the decoder sees it (PNG spec §5, §11.2): a decoder allocates the pixels
// its header asks for and inflates whatever the image data holds, so a tiny file can ask for gigabytes. The walk
// checks every chunk's bounds and CRC, the critical chunks' order, the size against fixed bounds, and inflates the
// image data no further than its header's size allows; the decoder then gets the critical chunks only (an iCCP
// profile or text it never needs cannot bomb it).
import { crc32, inflateSync } from 'node:zlib';
import { PngLimitError } from './png-chunks';

export const MAX_PNG_SIDE = 8192;
export const MAX_PNG_PIXELS = 8192 * 4096;

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7 passes: first column, first row, column step, row step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];
/** Chunks the decoder needs for the pixels; everything else is metadata, read elsewhere with its own bounds. */
const PIXEL_CHUNKS = new Set(['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND']);

const damaged = (why: string) => new Error(`damaged PNG file (${why})`);

/** Reads IHDR's size and refuses one too large to decode. */
export function checkPngDimensions(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const type = png.length >= 33 ? Buffer.from(png.subarray(12, 16)).toString('latin1') : '';
  if (type !== 'IHDR' || view.getUint32(8) !== 13) throw damaged('no IHDR header first');
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0) throw damaged(`its header says ${width}×${height} pixels`);
  if (width > MAX_PNG_SIDE || height > MAX_PNG_SIDE || width * height > MAX_PNG_PIXELS) {
    throw new PngLimitError(
      `the image is ${width}×${height} pixels: larger than the ${MAX_PNG_SIDE} pixels a side and ` +
        `${MAX_PNG_PIXELS / 2 ** 20} megapixels the studio reads`,
    );
  }
  return { width, height };
}

/** Checks `png` (signature already checked) as described above; returns the bytes to give the decoder. */
export function guardPngForDecode(png: Uint8Array): Uint8Array {
  const { width, height } = checkPngDimensions(png);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const kept: Uint8Array[] = [png.subarray(0, 8)];
  const imageData: Uint8Array[] = [];
  let seenEnd = false;
  let lastType = '';
  for (let offset = 8; !seenEnd;) {
    if (offset + 12 > png.length) throw damaged('it ends before its IEND chunk');
    const length = view.getUint32(offset);
    const type = Buffer.from(png.subarray(offset + 4, offset + 8)).toString('latin1');
    const end = offset + 12 + length;
    if (end > png.length) throw damaged(`the ${printable(type)} chunk runs past the end of the file`);
    if (crc32(png.subarray(offset + 4, end - 4)) !== view.getUint32(end - 4))
      throw damaged(`the ${printable(type)} chunk's CRC is wrong`);
    if (type === 'IHDR' && offset !== 8) throw damaged('a second IHDR chunk');
    if (type === 'IDAT' && imageData.length > 0 && lastType !== 'IDAT')
      throw damaged('its IDAT chunks are not consecutive');
    // An unknown critical chunk (upper-case first letter) changes the image's meaning: the spec says refuse.
    if (!PIXEL_CHUNKS.has(type) && !(png[offset + 4] & 0x20))
      throw damaged(`unknown critical chunk ${printable(type)}`);
    if (type === 'IDAT') imageData.push(png.subarray(offset + 8, end - 4));
    if (PIXEL_CHUNKS.has(type)) kept.push(png.subarray(offset, end));
    seenEnd = type === 'IEND';
    lastType = type;
    offset = end;
  }
  if (imageData.length === 0) throw damaged('no IDAT image data');
  checkImageDataSize(png, imageData, width, height);
  return Buffer.concat(kept);
}

/** The image data must inflate to exactly the bytes IHDR implies: more is a bomb or a lie, less is damage. */
function checkImageDataSize(png: Uint8Array, imageData: Uint8Array[], width: number, height: number): void {
  const depth = png[24];
  const channels = CHANNELS[png[25]];
  if (channels === undefined) throw damaged(`unknown colour type ${png[25]}`);
  if (![1, 2, 4, 8, 16].includes(depth)) throw damaged(`bit depth ${depth}`);
  const rows = (w: number, h: number) => (w > 0 && h > 0 ? h * (1 + Math.ceil((w * channels * depth) / 8)) : 0);
  const expected =
    png[28] === 1
      ? ADAM7.reduce((n, [x, y, dx, dy]) => n + rows(Math.ceil((width - x) / dx), Math.ceil((height - y) / dy)), 0)
      : rows(width, height);
  let inflated: Buffer;
  try {
    inflated = inflateSync(Buffer.concat(imageData), { maxOutputLength: expected });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw damaged(`its image data inflates past the ${expected} bytes of a ${width}×${height} image`);
    throw damaged(`its image data does not inflate: ${(error as Error).message}`);
  }
  if (inflated.length !== expected)
    throw damaged(`its image data holds ${inflated.length} bytes, a ${width}×${height} image needs ${expected}`);
}

const printable = (type: string) => JSON.stringify(type.replace(/[^\x20-\x7e]/g, '?'));
