import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConceptFileError } from './concept-errors';
import { readConceptFile } from './concept-file';

// Fixtures: tools/reference/make_concept_fixtures.py (torch 1.13 torch.save; vectors are arange(n·dim)/100 − 0.5).
const fixtures = join(import.meta.dirname, 'fixtures');
const read = (name: string) => new Uint8Array(readFileSync(join(fixtures, name)));
const expected = (n: number, dim: number) =>
  Float32Array.from({ length: n * dim }, (_, i) => Math.fround(i / 100) - 0.5);
const HEART = join(import.meta.dirname, '../../models/tiny-shapes/concepts/heart.safetensors');

describe('readConceptFile', () => {
  it('reads an A1111 .pt: string_to_param["*"], trigger = file name', () => {
    const c = readConceptFile(read('tri-style.pt'), 'tri-style.pt');
    expect(c).toMatchObject({ trigger: 'tri-style', format: 'pytorch', layout: 'a1111', count: 3, width: 32 });
    expect(c.storedName).toBe('tri-style');
    expect(c.vectors).toEqual(expected(3, 32));
  });

  it('reads a half-precision, non-contiguous A1111 .pt', () => {
    const c = readConceptFile(read('half-style.pt'), 'renamed.pt');
    expect(c).toMatchObject({ trigger: 'renamed', count: 2, width: 32 });
    // The file holds vec(32, 2).t(): row r, column k = vec[k][r]; f16 rounding within 2⁻¹¹ relative.
    const v = expected(32, 2);
    for (let r = 0; r < 2; r++) for (let k = 0; k < 32; k++) expect(c.vectors[r * 32 + k]).toBeCloseTo(v[k * 2 + r], 2);
  });

  it('reads a diffusers learned_embeds.bin: the stored token is the trigger', () => {
    const c = readConceptFile(read('learned_embeds.bin'), 'learned_embeds.bin');
    expect(c).toMatchObject({ trigger: '<cat-toy>', layout: 'diffusers', count: 1, width: 32 });
    expect(c.vectors).toEqual(expected(1, 32));
  });

  it('reads safetensors in f32 (the heart), bf16 and f16 single-token layouts', () => {
    const heart = readConceptFile(new Uint8Array(readFileSync(HEART)), HEART);
    expect(heart).toMatchObject({ trigger: 'heart', layout: 'a1111', count: 2, width: 256, storedName: 'heart' });
    const bf = readConceptFile(read('bf-style.safetensors'), 'bf-style.safetensors');
    expect(bf).toMatchObject({ count: 2, width: 32 });
    expected(2, 32).forEach((v, i) => expect(Math.abs(bf.vectors[i] - v)).toBeLessThan(Math.abs(v) / 64 + 1e-6));
    const single = readConceptFile(read('single-token.safetensors'), 'x.safetensors');
    expect(single).toMatchObject({ trigger: '<sks>', layout: 'diffusers', count: 1, width: 32 });
  });

  it('refuses SDXL embeddings', () => {
    expect(() => readConceptFile(read('sdxl.safetensors'), 'sdxl.safetensors')).toThrow(
      'SDXL embeddings need an SDXL model',
    );
  });

  it('refuses the planted posix.system pickle without executing it', () => {
    const marker = '/tmp/concept-pickle-was-executed';
    const attempt = () => readConceptFile(read('planted-system.pt'), 'planted-system.pt');
    expect(attempt).toThrow(/refuses posix\.system.*malicious/);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses NaN values and wrong dtypes clearly', () => {
    const nan = read('single-token.safetensors');
    const headerEnd = 8 + Number(new DataView(nan.buffer).getBigUint64(0, true));
    nan.set([0x00, 0x7e], headerEnd); // f16 NaN
    expect(() => readConceptFile(nan, 'n.safetensors')).toThrow(/NaN\/Inf/);
    const i64 = new TextEncoder().encode('{"emb_params":{"dtype":"I64","shape":[1,1],"data_offsets":[0,8]}}');
    const file = new Uint8Array(8 + i64.length + 8);
    new DataView(file.buffer).setBigUint64(0, BigInt(i64.length), true);
    file.set(i64, 8);
    expect(() => readConceptFile(file, 'i.safetensors')).toThrow(/dtype I64 is not one of/);
  });

  it('gives 100 randomly corrupted files a clear ConceptFileError each, never a crash', () => {
    let state = 12345;
    const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const sources = [
      'tri-style.pt',
      'learned_embeds.bin',
      'half-style.pt',
      'bf-style.safetensors',
      'single-token.safetensors',
    ];
    let refused = 0;
    for (let i = 0; i < 100; i++) {
      const name = sources[i % sources.length];
      const bytes = read(name);
      const kind = i % 3;
      let bad: Uint8Array;
      if (kind === 0) bad = bytes.slice(0, Math.floor(random() * bytes.length));
      else if (kind === 1) {
        bad = bytes.slice();
        for (let k = 0; k < 1 + Math.floor(random() * 8); k++)
          bad[Math.floor(random() * bad.length)] ^= 1 << Math.floor(random() * 8);
      } else {
        // Inflate a length: the safetensors header length, or a zip/pickle length field somewhere in the file.
        bad = bytes.slice();
        const at = name.endsWith('.safetensors') ? 0 : Math.floor(random() * (bad.length - 4));
        new DataView(bad.buffer).setUint32(at, 0x7ffffff0 - Math.floor(random() * 1000), true);
      }
      try {
        // A flip inside tensor data or header padding can leave a valid file: it must then load as a sound one.
        const c = readConceptFile(bad, name);
        expect(c.vectors.length).toBe(c.count * c.width);
        expect(c.vectors.every(Number.isFinite)).toBe(true);
      } catch (error) {
        expect(error).toBeInstanceOf(ConceptFileError);
        expect((error as Error).message.length).toBeGreaterThan(10);
        refused++;
      }
    }
    // 78 of 100 with this seed.
    expect(refused).toBeGreaterThan(70);
  });
});
