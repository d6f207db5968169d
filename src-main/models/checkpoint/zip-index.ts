// The entries of a ZIP archive read through a file handle (PKWARE APPNOTE 6.3: end-of-central-directory, zip64
// records for archives past 4 GiB, central directory, local headers), so a multi-gigabyte torch.save archive is
// indexed without loading it. Only stored (uncompressed) entries can be read in ranges, which is what torch writes.
import type { FileHandle } from 'node:fs/promises';
import { refuse } from './checkpoint-errors';

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_ENTRIES = 100_000;

export interface ZipEntry {
  name: string;
  method: number;
  size: number;
  /** Where the entry's bytes start in the file. */
  dataStart(): Promise<number>;
}

export async function indexZip(handle: FileHandle, fileSize: number, what: string): Promise<Map<string, ZipEntry>> {
  const bad = (message: string): never => refuse('unreadable', `${what}: ${message}`);
  const tailLength = Math.min(fileSize, 22 + 0xffff + 20);
  const tail = await readAt(handle, fileSize - tailLength, tailLength);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.length);
  let eocd = -1;
  for (let at = tail.length - 22; at >= 0; at--) {
    if (view.getUint32(at, true) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) bad('no end-of-archive record (the file is cut short or not a zip)');
  let count = view.getUint16(eocd + 10, true);
  let directoryOffset = view.getUint32(eocd + 16, true);
  if (eocd >= 20 && view.getUint32(eocd - 20, true) === EOCD64_LOCATOR) {
    const record = await readAt(handle, u64(view, eocd - 20 + 8), 56);
    const r = new DataView(record.buffer, record.byteOffset, record.length);
    if (record.length < 56 || r.getUint32(0, true) !== EOCD64) bad('broken zip64 end-of-archive record');
    count = u64(r, 32);
    directoryOffset = u64(r, 48);
  }
  if (count > MAX_ENTRIES) bad(`${count} archive entries is too many`);
  const directory = await readAt(handle, directoryOffset, fileSize - directoryOffset);
  const d = new DataView(directory.buffer, directory.byteOffset, directory.length);
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || d.getUint32(at, true) !== CENTRAL) bad('broken central directory');
    const nameLength = d.getUint16(at + 28, true);
    const extraLength = d.getUint16(at + 30, true);
    const name = new TextDecoder().decode(directory.subarray(at + 46, at + 46 + nameLength));
    let size = d.getUint32(at + 24, true);
    let local = d.getUint32(at + 42, true);
    const compressed = d.getUint32(at + 20, true);
    // zip64 extended information: the 64-bit values, in order, of the fields that read 0xffffffff.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = d.getUint16(extra, true);
      const length = d.getUint16(extra + 2, true);
      if (id === 0x0001) {
        let field = extra + 4;
        if (size === 0xffffffff) {
          size = u64(d, field);
          field += 8;
        }
        if (compressed === 0xffffffff) field += 8;
        if (local === 0xffffffff) local = u64(d, field);
      }
      extra += 4 + length;
    }
    const method = d.getUint16(at + 10, true);
    const localOffset = local;
    entries.set(name, {
      name,
      method,
      size,
      async dataStart() {
        const header = await readAt(handle, localOffset, 30);
        const h = new DataView(header.buffer, header.byteOffset, header.length);
        if (header.length < 30 || h.getUint32(0, true) !== LOCAL) bad(`broken local header for ${name}`);
        return localOffset + 30 + h.getUint16(26, true) + h.getUint16(28, true);
      },
    });
    at = extraEnd + d.getUint16(at + 32, true);
  }
  return entries;
}

function u64(view: DataView, at: number): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) refuse('unreadable', 'zip: an offset past 2^53');
  return Number(value);
}

export async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(out, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? out : out.subarray(0, done);
}
