// Minimal ZIP reader (PKWARE APPNOTE 6.3: end-of-central-directory → central directory → local headers) for
// torch.save archives: stored or deflated entries, no zip64, sizes bounded before anything is inflated.
import { inflateRawSync } from 'node:zlib';
import { fail } from './concept-errors';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_ENTRIES = 4096;

export interface ZipEntries {
  names: string[];
  read(name: string): Uint8Array;
}

export function readZip(bytes: Uint8Array, maxEntryBytes: number): ZipEntries {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const u16 = (at: number) => (at + 2 <= bytes.length ? view.getUint16(at, true) : fail('truncated', 'zip: cut short'));
  const u32 = (at: number) => (at + 4 <= bytes.length ? view.getUint32(at, true) : fail('truncated', 'zip: cut short'));
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) fail('truncated', 'zip: no end-of-archive record (the file is cut short or not a zip)');
  const count = u16(eocd + 10);
  const directoryOffset = u32(eocd + 16);
  if (count > MAX_ENTRIES) fail('too_large', `zip: ${count} entries is too many for an embedding`);
  if (directoryOffset === 0xffffffff || count === 0xffff) fail('unsupported', 'zip: zip64 archives are not supported');
  const entries = new Map<string, { method: number; compressed: number; size: number; local: number }>();
  let at = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (u32(at) !== CENTRAL) fail('malformed', 'zip: broken central directory');
    const nameLength = u16(at + 28);
    const end = at + 46 + nameLength;
    if (end > bytes.length) fail('truncated', 'zip: central directory runs past the end');
    const name = new TextDecoder().decode(bytes.subarray(at + 46, end));
    entries.set(name, { method: u16(at + 10), compressed: u32(at + 20), size: u32(at + 24), local: u32(at + 42) });
    at = end + u16(at + 30) + u16(at + 32);
  }
  return {
    names: [...entries.keys()],
    read(name) {
      const entry = entries.get(name) ?? fail('malformed', `zip: no entry ${name}`);
      if (entry.size > maxEntryBytes) fail('too_large', `zip: entry ${name} has ${entry.size} bytes, over the limit`);
      if (u32(entry.local) !== LOCAL) fail('malformed', `zip: broken local header for ${name}`);
      const start = entry.local + 30 + u16(entry.local + 26) + u16(entry.local + 28);
      if (start + entry.compressed > bytes.length) fail('truncated', `zip: entry ${name} runs past the end`);
      const raw = bytes.subarray(start, start + entry.compressed);
      if (entry.method === 0) {
        if (entry.compressed !== entry.size) fail('malformed', `zip: stored entry ${name} has inconsistent sizes`);
        return raw;
      }
      if (entry.method !== 8) fail('unsupported', `zip: entry ${name} uses compression method ${entry.method}`);
      let inflated: Uint8Array;
      try {
        inflated = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
      } catch {
        return fail('malformed', `zip: entry ${name} does not inflate`);
      }
      if (inflated.length !== entry.size) fail('malformed', `zip: entry ${name} inflates to the wrong size`);
      return inflated;
    },
  };
}
