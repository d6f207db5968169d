// A full disk during save, met for real: the temp file the atomic write opens is a link to /dev/full, whose writes
// fail with ENOSPC, so the gallery's own write path (temp file, its cleanup, rows only after files) is what runs.
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { tempSuffix, writeFileAtomic } from '../fs/write-file-atomic';
import { gallerySnapshot } from './test-support/gallery-snapshot';
import { fakeJob, tempGallery, type TempGallery } from './test-support/temp-gallery';

let t: TempGallery | undefined;
afterEach(() => t?.dispose());

/** Writes as the gallery does, until `failAfter(n)`: the n-th write from then on (from 0) finds the disk full. */
function diskThatFills() {
  let count = 0;
  let failing = Number.POSITIVE_INFINITY;
  const attempted: string[] = [];
  return {
    attempted,
    failAfter(n: number) {
      failing = count + n;
    },
    writeFile(file: string, bytes: Uint8Array, options?: { durable?: boolean }) {
      attempted.push(file);
      if (count++ === failing) {
        mkdirSync(path.dirname(file), { recursive: true });
        symlinkSync('/dev/full', `${file}.${process.pid}${tempSuffix}`);
      }
      writeFileAtomic(file, bytes, options);
    },
  };
}

describe('a full disk during save', () => {
  test.each([
    ['the first image', 0],
    ["the second image's thumbnail", 3],
  ])('at %s: a clear error naming the file; rows, files and temp files as before', (_, failing) => {
    const disk = diskThatFills();
    t = tempGallery({ writeFile: (...args) => disk.writeFile(...args) });
    t.gallery.save(fakeJob({ seed: 7n }));
    const before = gallerySnapshot(t.db, t.dir);

    disk.failAfter(failing);
    const job = fakeJob({ seed: 8n, batch: 2 });
    const error = (() => {
      try {
        t.gallery.save(job);
      } catch (thrown) {
        return thrown as Error;
      }
    })();
    const failed = path.relative(t.dir, disk.attempted.at(-1)!).split(path.sep).join('/');
    expect(failed).toMatch(failing === 0 ? /-8-0-[0-9a-f]{8}\.png$/ : /-8-1-[0-9a-f]{8}\.thumb\.png$/);
    expect(error?.message).toBe(`the disk is full: cannot write ${failed} in ${t.dir} (ENOSPC)`);
    expect(disk.attempted).toHaveLength(2 + failing + 1);
    expect(gallerySnapshot(t.db, t.dir)).toEqual(before);

    // Space freed, the same job saves.
    expect(t.gallery.save(job)).toHaveLength(2);
  });
});
