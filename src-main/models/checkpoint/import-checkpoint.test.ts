// What an import refuses, and that a refused import leaves nothing behind.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCheckpoint } from './import-checkpoint';

const fixtures = path.join(import.meta.dirname, 'fixtures');
const config = path.join(import.meta.dirname, '../../engine/test-fixtures/models/tiny-sd');
let temp: string;
beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'import-checkpoint-'));
});
afterAll(() => rm(temp, { recursive: true, force: true }));

describe('importCheckpoint refuses', () => {
  it('a checkpoint with an Inf weight, naming file and tensor, and leaves no folder', async () => {
    const bytes = new Uint8Array(await readFile(path.join(fixtures, 'tiny-ldm.safetensors')));
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<
      string,
      { data_offsets: number[] }
    >;
    const at = 8 + length + header['first_stage_model.decoder.conv_out.bias'].data_offsets[0];
    new DataView(bytes.buffer).setFloat32(at + 4, Number.POSITIVE_INFINITY, true);
    const file = path.join(temp, 'inf.safetensors');
    await writeFile(file, bytes);
    const outDir = path.join(temp, 'inf');
    await expect(importCheckpoint({ file, outDir, config, tokenizerCandidates: [] })).rejects.toThrow(
      /inf\.safetensors: tensor "first_stage_model\.decoder\.conv_out\.bias": value 1 is Infinity/,
    );
    expect(await readdir(temp)).toEqual(['inf.safetensors']);
  });

  it('a folder that exists already', async () => {
    const outDir = path.join(temp, 'taken');
    await mkdir(outDir);
    await expect(
      importCheckpoint({ file: path.join(fixtures, 'tiny-ldm.safetensors'), outDir, config, tokenizerCandidates: [] }),
    ).rejects.toThrow(/taken already exists/);
  });

  it('without a tokenizer of the text encoder’s vocabulary, saying where it looked and what to do', async () => {
    const folder = path.join(temp, 'config-only');
    await mkdir(path.join(folder, 'unet'), { recursive: true });
    for (const part of ['unet', 'vae_decoder', 'text_encoder']) {
      await mkdir(path.join(folder, part), { recursive: true });
      await writeFile(path.join(folder, part, 'config.json'), await readFile(path.join(config, part, 'config.json')));
    }
    const outDir = path.join(temp, 'no-tokenizer');
    await expect(
      importCheckpoint({
        file: path.join(fixtures, 'tiny-ldm.safetensors'),
        outDir,
        config: folder,
        tokenizerCandidates: [path.join(import.meta.dirname, '../../../models/tiny-shapes/tokenizer')],
      }),
    ).rejects.toThrow(/no CLIP tokenizer with 541 tokens to copy \(looked in .*tiny-shapes.*\); install any/);
    expect(existsSync(outDir)).toBe(false);
  });
});
