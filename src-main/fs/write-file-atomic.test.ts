import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { writeFileAtomic } from './write-file-atomic';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('writes the whole file under missing folders, replaces an old one, and leaves no temp file behind', () => {
  const file = path.join(dir, 'a', 'b', 'image.png');
  writeFileAtomic(file, new Uint8Array([1, 2, 3]));
  writeFileAtomic(file, new Uint8Array([4, 5]), { durable: false });
  expect([...readFileSync(file)]).toEqual([4, 5]);
  expect(readdirSync(path.dirname(file))).toEqual(['image.png']);
});
