import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemLibraries } from './system-libraries';

const temp = mkdtempSync(path.join(tmpdir(), 'system-libraries-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** The layout of glibc's cache: a header, entries, then NUL-terminated names and paths. */
const cacheFile = (...names: string[]) =>
  `ld.so-1.7.0\0glibc-ld.so.cache1.1\x05\0\0\0\x03\x03${names.flatMap((n) => [n, `/usr/lib/x86_64-linux-gnu/${n}`]).join('\0')}\0`;

describe('the libraries the dynamic linker would find', () => {
  it('reads the names in the linker cache, and only whole names', () => {
    const found = systemLibraries({
      linkerCache: () => cacheFile('libc.so.6', 'libvulkan.so.1', 'libcudart.so.12.4'),
      libraryDirs: [],
    });
    expect(found.has('libvulkan.so.1')).toBe(true);
    expect(found.has('libc.so.6')).toBe(true);
    expect(found.has('libcudart.so.12.4')).toBe(true);
    expect(found.has('libcudart.so.12')).toBe(false);
  });

  it('reads ldconfig -p output the same way', () => {
    const found = systemLibraries({
      linkerCache: () => '\tlibcuda.so.1 (libc6,x86-64) => /usr/lib/libcuda.so.1\n',
      libraryDirs: [],
    });
    expect([...found]).toEqual(['libcuda.so.1']);
  });

  it('lists the folders it is given, skipping ones that do not exist; a cache that cannot be read is no cache', () => {
    const dir = path.join(temp, 'ld-path');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'libvulkan.so.1'), '');
    const found = systemLibraries({
      linkerCache: () => {
        throw new Error('no cache');
      },
      libraryDirs: [path.join(temp, 'missing'), dir],
    });
    expect([...found]).toEqual(['libvulkan.so.1']);
  });
});
