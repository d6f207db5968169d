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

/** A safetensors file of `header` (JSON text, kept as written) and `dataLength` zero bytes of tensor data. */
function safetensorsFile(header: string, dataLength: number): Uint8Array {
  const json = new TextEncoder().encode(header);
  const file = new Uint8Array(8 + json.length + dataLength);
  new DataView(file.buffer).setBigUint64(0, BigInt(json.length), true);
  file.set(json, 8);
  return file;
}

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

  it('refuses safetensors whose tensors overlap, leave gaps, run past the data or miss offset 0', () => {
    const f32 = (offsets: number[]) => ({ dtype: 'F32', shape: [1, 2], data_offsets: offsets });
    const cases: [string, string, number, RegExp][] = [
      ['overlap', JSON.stringify({ a: f32([0, 8]), b: f32([4, 12]) }), 12, /"b": its data overlaps tensor "a"/],
      ['same bytes', JSON.stringify({ a: f32([0, 8]), b: f32([0, 8]) }), 8, /overlaps tensor "a"/],
      ['gap', JSON.stringify({ a: f32([0, 8]), b: f32([12, 20]) }), 20, /"b": 4 bytes of gap after tensor "a"/],
      ['not from 0', JSON.stringify({ a: f32([4, 12]) }), 12, /does not start at offset 0/],
      ['past the end', JSON.stringify({ a: f32([0, 8]) }), 4, /runs past the file's end/],
      ['trailing bytes', JSON.stringify({ a: f32([0, 8]) }), 16, /8 bytes after the last tensor belong to none/],
      [
        'duplicate name',
        '{"a":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"a":' + JSON.stringify(f32([8, 16])) + '}',
        16,
        /names "a" twice/,
      ],
      [
        'duplicate field',
        '{"a":{"dtype":"F32","dtype":"F16","shape":[1,2],"data_offsets":[0,8]}}',
        8,
        /names "dtype" twice/,
      ],
      [
        'size mismatch',
        JSON.stringify({ a: { dtype: 'F16', shape: [1, 2], data_offsets: [0, 8] } }),
        8,
        /span 8 bytes, shape needs 4/,
      ],
      ['fractional offset', JSON.stringify({ a: f32([0, 7.5]) }), 8, /are not two whole numbers/],
      ['negative offset', JSON.stringify({ a: f32([-8, 0]) }), 8, /are not two whole numbers/],
      [
        'reversed offsets',
        JSON.stringify({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }),
        8,
        /end \(0\) before/,
      ],
      [
        'unknown dtype',
        JSON.stringify({ a: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }),
        1,
        /dtype Q4 is not one of/,
      ],
    ];
    for (const [label, header, dataLength, message] of cases) {
      const attempt = () => readConceptFile(safetensorsFile(header, dataLength), 'bad-layout.safetensors');
      expect(attempt, label).toThrow(ConceptFileError);
      expect(attempt, label).toThrow(/^bad-layout\.safetensors: safetensors/);
      expect(attempt, label).toThrow(message);
    }
  });

  it('refuses a safetensors header length beyond the file or absurdly large, naming the file', () => {
    const file = safetensorsFile(JSON.stringify({ a: { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] } }), 8);
    new DataView(file.buffer).setBigUint64(0, BigInt(file.length), true);
    expect(() => readConceptFile(file, 'dir/long.safetensors')).toThrow(/^long\.safetensors: .*header runs past/);
    new DataView(file.buffer).setBigUint64(0, 2n ** 63n, true);
    expect(() => readConceptFile(file, 'long.safetensors')).toThrow(/header of 9223372036854775808 bytes is too large/);
  });

  it('gives 200 randomly corrupted files a clear ConceptFileError naming the file, never a crash', () => {
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
    for (let i = 0; i < 200; i++) {
      const name = sources[i % sources.length];
      const bytes = read(name);
      const kind = i % 4;
      let bad: Uint8Array;
      if (kind === 0) bad = bytes.slice(0, Math.floor(random() * bytes.length));
      else if (kind === 1) {
        bad = bytes.slice();
        for (let k = 0; k < 1 + Math.floor(random() * 8); k++)
          bad[Math.floor(random() * bad.length)] ^= 1 << Math.floor(random() * 8);
      } else if (kind === 3 && name.endsWith('.safetensors')) {
        bad = withBrokenLayout(bytes, random);
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
        expect((error as Error).message).toMatch(new RegExp(`^${name.replace('.', '\\.')}: .{10}`));
        refused++;
      }
    }
    // 157 of 200 with this seed.
    expect(refused).toBeGreaterThan(150);
  });
});

/** The same tensors with one structural fault in the header: offsets shifted, a tensor repeated or its data cut. */
function withBrokenLayout(file: Uint8Array, random: () => number): Uint8Array {
  const length = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + length))) as Record<
    string,
    { data_offsets?: number[] }
  >;
  let data = file.subarray(8 + length);
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const target = header[names[Math.floor(random() * names.length)]];
  const fault = Math.floor(random() * 5);
  let text: string;
  if (fault === 0) target.data_offsets = target.data_offsets!.map((o) => o + 2);
  else if (fault === 1) target.data_offsets = [target.data_offsets![0] + 2, target.data_offsets![1]];
  else if (fault === 2) data = data.subarray(0, Math.floor(random() * data.length));
  else if (fault === 3) data = Uint8Array.from([...data, ...data.subarray(0, 4)]);
  if (fault === 4) {
    const json = JSON.stringify(header);
    text = `${json.slice(0, -1)},${JSON.stringify(names[0])}:${JSON.stringify(header[names[0]])}}`;
  } else text = JSON.stringify(header);
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
