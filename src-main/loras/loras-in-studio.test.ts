// LoRAs from the library in the app: imported through the contract, called by `<lora:name:w>` in the prompt or by the
// settings' list, recorded with the images, and merged again by reproduce. The fixture LoRAs and their goldens come
// from tools/reference/make_lora_fixtures.py (diffusers' load_lora_weights + fuse_lora).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appRoot } from '../app-paths';
import { decodePngRgb } from '../formats/png/png-metadata';
import type { LoraInfo } from '../shared/loras';
import { studioUnderTest } from '../test-support/studio-under-test';

const fixtures = path.join(appRoot(), 'src-main', 'engine', 'lora', 'fixtures');
const tinySd = path.join(appRoot(), 'src-main', 'engine', 'test-fixtures', 'models', 'tiny-sd');
const { call, close, generate, dataDir } = studioUnderTest('loras');
afterAll(close);

const importLora = (file: string, name?: string) =>
  call<LoraInfo>('loras.import', {
    file,
    base64: readFileSync(path.join(fixtures, file)).toString('base64'),
    ...(name ? { name } : {}),
  });
const job = { negative: 'blue', steps: 8, guidance: 7.5, scheduler: 'pndm', model: 'tiny-sd' };

function worstAgainst(media: string, golden: string): number {
  const made = decodePngRgb(readFileSync(path.join(dataDir, ...media.split('/')))).rgb;
  const expected = decodePngRgb(readFileSync(path.join(fixtures, golden))).rgb;
  return made.reduce((worst, v, i) => Math.max(worst, Math.abs(v - expected[i])), 0);
}

describe('LoRAs in the studio', () => {
  it('imports LoRA files and lists what they are', async () => {
    const kohya = await importLora('tiny-kohya.safetensors');
    expect(kohya).toMatchObject({
      name: 'tiny-kohya',
      naming: 'kohya',
      unetModules: 46,
      textEncoderModules: 0,
      rank: 4,
      baseModel: 'sd1',
      triggerWords: ['red circle', 'tiny'],
      sourceName: 'tiny-kohya.safetensors',
    });
    const peft = await importLora('tiny-peft.safetensors', 'peft-style');
    expect(peft).toMatchObject({ name: 'peft-style', naming: 'peft', unetModules: 23, textEncoderModules: 12 });
    expect((await call<LoraInfo[]>('loras.list', {})).map((l) => l.name)).toEqual(['peft-style', 'tiny-kohya']);
    await expect(importLora('tiny-kohya.safetensors', 'again')).rejects.toMatchObject({ code: 'conflict' });
    await call('models.add', { path: tinySd });
  });

  it('merges a LoRA called in the prompt, as diffusers does, and reproduces the image', async () => {
    const done = await generate({ ...job, prompt: 'a red circle <lora:tiny-kohya:0.5>', seed: '500' });
    expect(done.warnings).toEqual([]);
    expect(done.settings.prompt).toBe('a red circle <lora:tiny-kohya:0.5>');
    expect(done.settings.loras).toEqual([
      { name: 'tiny-kohya', hash: expect.stringMatching(/^[0-9a-f]{64}$/), strength: 0.5 },
    ]);
    expect(worstAgainst(done.images[0].media, 'tiny-kohya-0.5.png')).toBeLessThanOrEqual(3);

    const id = done.images[0].id;
    expect(await call('gallery.reproduce', { id })).toMatchObject({ identical: true });
    expect(await call('gallery.settings', { id })).toMatchObject({ loras: [{ name: 'tiny-kohya', strength: 0.5 }] });
  });

  it('takes LoRAs from the settings list too, the UNet and text encoder halves alike', async () => {
    const done = await generate({
      ...job,
      prompt: 'a red circle',
      seed: '503',
      loras: [{ name: 'peft-style', strength: 1 }],
    });
    expect(done.settings.loras).toMatchObject([{ name: 'peft-style', strength: 1 }]);
    expect(worstAgainst(done.images[0].media, 'tiny-peft-1.png')).toBeLessThanOrEqual(3);
  });

  it('refuses an unknown LoRA and a malformed tag, naming them', async () => {
    await expect(generate({ ...job, prompt: 'a cat <lora:nowhere:1>' })).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('no LoRA "nowhere"'),
    });
    await expect(generate({ ...job, prompt: 'a cat <lora:tiny-kohya:lots>' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: '<lora:tiny-kohya:lots> in the prompt: "lots" is not a number',
    });
  });

  it('deletes a LoRA with its file', async () => {
    const [first] = await call<LoraInfo[]>('loras.list', {});
    expect(await call('loras.delete', { id: first.id })).toEqual({ deleted: true });
    expect((await call<LoraInfo[]>('loras.list', {})).map((l) => l.name)).toEqual(['tiny-kohya']);
    expect(() => readFileSync(path.join(dataDir, 'loras', `${first.id}.safetensors`))).toThrow(/ENOENT/);
  });
});
