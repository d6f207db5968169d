import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { resolveMediaPath } from './media-path';

const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-media-'));
const data = path.join(dir, 'data');
mkdirSync(path.join(data, 'gallery', '2026-11'), { recursive: true });
writeFileSync(path.join(data, 'gallery', '2026-11', 'a b.png'), 'x');
writeFileSync(path.join(dir, 'outside.txt'), 'x');
symlinkSync(path.join(dir, 'outside.txt'), path.join(data, 'escape.txt'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('resolves files inside the data directory', () => {
  expect(resolveMediaPath(data, 'gallery/2026-11/a%20b.png')).toBe(path.join(data, 'gallery', '2026-11', 'a b.png'));
});

it.each([
  '../outside.txt',
  'gallery/../../outside.txt',
  '..%2Foutside.txt',
  '%2e%2e/outside.txt',
  'gallery%5c..%5c..%5coutside.txt',
  `${encodeURIComponent(path.join(dir, 'outside.txt'))}`,
  'escape.txt',
  'gallery/%00.png',
  '%E0%A4%A',
  '',
  'gallery',
  'missing.png',
])('refuses %s', (probe) => {
  const resolved = resolveMediaPath(data, probe);
  if (probe === 'gallery') expect(resolved).toBe(path.join(data, 'gallery'));
  else expect(resolved).toBeUndefined();
});
