// Which shared libraries the dynamic linker would find on Linux: the names its cache lists (/etc/ld.so.cache, read
// directly — `ldconfig` is often not on a user's PATH) and the files in LD_LIBRARY_PATH's folders and the default ones.
// Optional GPU providers ask this before they load, to name what is missing instead of failing in native code.
import { readFileSync, readdirSync } from 'node:fs';

/** Searched without a cache entry (the linker's trusted folders, Debian's multiarch ones). */
const defaultDirs = [
  '/lib',
  '/usr/lib',
  '/lib64',
  '/usr/lib64',
  '/lib/x86_64-linux-gnu',
  '/usr/lib/x86_64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
];

export interface LibrarySearch {
  /** Text that holds the linker cache's library names: the cache file itself by default, or `ldconfig -p`'s output. */
  linkerCache?: () => string;
  /** Folders listed besides the cache; default LD_LIBRARY_PATH's, then the default folders. */
  libraryDirs?: readonly string[];
}

/** A library name ends a NUL-terminated string of the cache (or a word of `ldconfig -p`): "libfoo.so.1". */
const libraryName = /(lib[\w+.-]*?\.so(?:\.\d+)*)(?=[\0\s]|$)/gm;

/** The names of the libraries the linker would find. */
export function systemLibraries({ linkerCache = readLinkerCache, libraryDirs }: LibrarySearch = {}): Set<string> {
  const names = new Set<string>();
  let cache = '';
  try {
    cache = linkerCache();
  } catch {
    // No cache: the folders below still count.
  }
  for (const match of cache.matchAll(libraryName)) names.add(match[1]);
  const dirs = libraryDirs ?? [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...defaultDirs];
  for (const dir of dirs) for (const name of safeList(dir)) names.add(name);
  return names;
}

function readLinkerCache(): string {
  return readFileSync('/etc/ld.so.cache').toString('latin1');
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
