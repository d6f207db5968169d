import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTokenizer } from './load-tokenizer';

const tinyFolder = fileURLToPath(new URL('./fixtures/tiny', import.meta.url));
const folders: string[] = [];

/** A scratch tokenizer folder holding copies of the named tiny-fixture files. */
function scratchFolder(...names: string[]): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'clip-tokenizer-'));
  folders.push(folder);
  for (const name of names) copyFileSync(path.join(tinyFolder, name), path.join(folder, name));
  return folder;
}

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('loadTokenizer', () => {
  it('reads a diffusers tokenizer folder', async () => {
    const tokenizer = await loadTokenizer(tinyFolder);
    expect(Array.from(tokenizer.encode('the cat').subarray(0, 5))).toEqual([213, 198, 200, 214, 214]);
  });

  it('needs only vocab.json and merges.txt', async () => {
    const tokenizer = await loadTokenizer(scratchFolder('vocab.json', 'merges.txt'));
    expect([tokenizer.padId, tokenizer.maxLength]).toEqual([214, 77]);
  });

  it('names the missing file', async () => {
    const folder = scratchFolder('vocab.json');
    await expect(loadTokenizer(folder)).rejects.toThrow(`${path.join(folder, 'merges.txt')}: file is missing`);
  });

  it('names the folder and the malformed file', async () => {
    const folder = scratchFolder('vocab.json', 'merges.txt');
    writeFileSync(path.join(folder, 'special_tokens_map.json'), '{"pad_token": ');
    await expect(loadTokenizer(folder)).rejects.toThrow(
      new RegExp(
        `^cannot load tokenizer from ${folder.replaceAll('\\', '\\\\')}: special_tokens_map\\.json: not valid JSON`,
      ),
    );
  });
});
