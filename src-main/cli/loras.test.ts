// `studio loras …` and `generate --lora` on a fresh data directory, with the LoRA fixtures and the tiny fixture model.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appRoot } from '../app-paths';
import { decodePngRgb } from '../formats/png/png-metadata';
import type { LoraInfo } from '../shared/loras';
import { runCli } from './test-support/run-cli';

const fixtures = path.join(appRoot(), 'src-main', 'engine', 'lora', 'fixtures');
const tinySd = path.join(appRoot(), 'src-main', 'engine', 'test-fixtures', 'models', 'tiny-sd');
const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-cli-loras-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...argv: string[]) => runCli([...argv, '--data', dir]);
const json = (r: { out: string[] }) => r.out.map((l) => JSON.parse(l) as LoraInfo);

function worstAgainst(file: string, golden: string): number {
  const made = decodePngRgb(readFileSync(file)).rgb;
  const expected = decodePngRgb(readFileSync(path.join(fixtures, golden))).rgb;
  return made.reduce((worst, v, i) => Math.max(worst, Math.abs(v - expected[i])), 0);
}

const job = ['--model', tinySd, '--negative', 'blue', '--steps', '8', '--guidance', '7.5', '--scheduler', 'pndm'];

describe('studio loras', () => {
  it('imports, lists and removes', async () => {
    const imported = await run('loras', 'import', path.join(fixtures, 'tiny-kohya.safetensors'), '--json');
    expect(imported.code, imported.error.join('\n')).toBe(0);
    expect(json(imported)[0]).toMatchObject({ name: 'tiny-kohya', unetModules: 46, baseModel: 'sd1' });
    const peft = await run('loras', 'import', path.join(fixtures, 'tiny-peft.safetensors'), '--name', 'peft');
    expect(peft.out[0]).toMatch(/^peft\tunknown\t23\+12 modules\trank 4\tpeft\t-\t[0-9a-f]{64}$/);
    expect(json(await run('loras', 'list', '--json')).map((l) => l.name)).toEqual(['peft', 'tiny-kohya']);
    expect((await run('loras', 'remove', 'PEFT')).code).toBe(0);
    expect(json(await run('loras', 'list', '--json')).map((l) => l.name)).toEqual(['tiny-kohya']);
    const missing = await run('loras', 'remove', 'peft');
    expect(missing.code).toBe(1);
    expect(missing.error.at(-1)).toMatch(/no LoRA 'peft'/);
  });

  it('refuses a file that is not a LoRA, naming it', async () => {
    const file = path.join(appRoot(), 'src-main', 'concepts', 'fixtures', 'single-token.safetensors');
    const refused = await run('loras', 'import', file);
    expect(refused.code).toBe(1);
    expect(refused.error.at(-1)).toMatch(/single-token\.safetensors: not a LoRA file/);
  });

  it('generates with --lora by library name, by file, and with a prompt tag', async () => {
    const byName = path.join(dir, 'by-name.png');
    let r = await run(
      'generate',
      ...job,
      '--prompt',
      'a red circle',
      '--seed',
      '500',
      '--lora',
      'tiny-kohya:0.5',
      '--out',
      byName,
    );
    expect(r.code, r.error.join('\n')).toBe(0);
    expect(worstAgainst(byName, 'tiny-kohya-0.5.png')).toBeLessThanOrEqual(3);

    const byFile = path.join(dir, 'by-file.png');
    const peftFile = path.join(fixtures, 'tiny-peft.safetensors');
    r = await run('generate', ...job, '--prompt', 'a red circle', '--seed', '503', '--lora', peftFile, '--out', byFile);
    expect(r.code, r.error.join('\n')).toBe(0);
    expect(worstAgainst(byFile, 'tiny-peft-1.png')).toBeLessThanOrEqual(3);

    const byTag = path.join(dir, 'by-tag.png');
    r = await run('generate', ...job, '--prompt', 'a red circle <lora:tiny-kohya:1>', '--seed', '501', '--out', byTag);
    expect(r.code, r.error.join('\n')).toBe(0);
    expect(worstAgainst(byTag, 'tiny-kohya-1.png')).toBeLessThanOrEqual(3);
  });

  it('says what is wrong with a --lora option', async () => {
    const bad = await run(
      'generate',
      ...job,
      '--prompt',
      'x',
      '--lora',
      'tiny-kohya:lots',
      '--out',
      path.join(dir, 'x.png'),
    );
    expect(bad.code).toBe(2);
    expect(bad.error.at(-1)).toMatch(/option --lora: 'lots' in 'tiny-kohya:lots' is not a strength/);
    const unknown = await run(
      'generate',
      ...job,
      '--prompt',
      'x',
      '--lora',
      'nowhere',
      '--out',
      path.join(dir, 'x.png'),
    );
    expect(unknown.code).toBe(1);
    expect(unknown.error.at(-1)).toMatch(/no LoRA "nowhere"/);
  });
});
