// Chunking and weighting on the fixture text encoder (tiny-sd: width 32, byte-level tokenizer, bos 539, eos 540)
// and the bundled tiny-shapes one (width 256). Weighted references are computed here in float64 from the
// unweighted chunk's hidden states, by A1111's rule (z·w per token, then × mean(z)/mean(z·w) over the chunk); the
// engine works in float32, hence the 1e-5 bound. The reference runs on tiny-shapes: tiny-sd's final layer norm
// leaves a chunk mean of ~1e-9 (against |z| ~ 0.8), so there the rescale is a ratio of rounding noise in any
// implementation, A1111's included; on tiny-sd the test checks the per-token multiply up to one common factor.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTextEncoder, type TextEncoder } from '../adapters/text-encoder';
import type { ClipTokenizer } from '../tokenizer/clip-tokenizer';
import { loadTokenizer } from '../tokenizer/load-tokenizer';
import { chunkPrompt, emptyChunk, encodeChunks } from './encode-prompt';

const MODELS = join(import.meta.dirname, '..', 'test-fixtures', 'models');
const BUNDLED = join(import.meta.dirname, '..', '..', '..', 'models', 'tiny-shapes');
const open = (dir: string) =>
  openTextEncoder(join(dir, 'text_encoder', 'model.onnx'), { providers: ['cpu'], threads: 1, log: () => {} });
let tokenizer: ClipTokenizer;
let textEncoder: TextEncoder;
let shapesTokenizer: ClipTokenizer;
let shapesEncoder: TextEncoder;
beforeAll(async () => {
  tokenizer = await loadTokenizer(join(MODELS, 'tiny-sd', 'tokenizer'));
  textEncoder = await open(join(MODELS, 'tiny-sd'));
  shapesTokenizer = await loadTokenizer(join(BUNDLED, 'tokenizer'));
  shapesEncoder = await open(BUNDLED);
});
afterAll(async () => {
  await textEncoder.session.release();
  await shapesEncoder.session.release();
});

const words = (word: string, n: number) => Array.from({ length: n }, () => word).join(' ');
const body = (ids: Int32Array) => Array.from(ids.slice(1, ids.indexOf(tokenizer.eosId)));

describe('chunks', () => {
  test('a plain prompt gives exactly the tokenizer ids, weight 1 everywhere', () => {
    const { chunks, tokenCount } = chunkPrompt(tokenizer, 'a red circle, at the top');
    expect(chunks).toHaveLength(1);
    expect(chunks[0].ids).toEqual(tokenizer.encode('a red circle, at the top'));
    expect(chunks[0].weights.every((w) => w === 1)).toBe(true);
    expect(tokenCount).toBe(tokenizer.tokenCount('a red circle, at the top'));
  });

  test('weights follow the fragments; bos, eos and padding stay 1', () => {
    const [chunk] = chunkPrompt(tokenizer, 'a (red:1.5) [circle]').chunks;
    const n = (t: string) => tokenizer.tokenize(t).length;
    const expected = [1, ...Array<number>(n('a')).fill(1), ...Array<number>(n('red')).fill(1.5)];
    expected.push(...Array<number>(n('circle')).fill(1 / 1.1));
    expect(chunk.weights.slice(0, expected.length + 1)).toEqual([...expected, 1]);
    expect(body(chunk.ids)).toEqual([
      ...tokenizer.tokenize('a'),
      ...tokenizer.tokenize('red'),
      ...tokenizer.tokenize('circle'),
    ]);
  });

  test('past 75 tokens: 75-token chunks, each wrapped and padded; A1111 token count', () => {
    const { chunks, tokenCount } = chunkPrompt(tokenizer, words('a', 80));
    expect(chunks.map((c) => body(c.ids).length)).toEqual([75, 5]);
    expect(chunks.every((c) => c.ids.length === 77 && c.ids[0] === tokenizer.bosId)).toBe(true);
    expect(chunks[0].ids[76]).toBe(tokenizer.eosId);
    expect(tokenCount).toBe(80);
    expect(chunkPrompt(tokenizer, words('a', 150)).chunks).toHaveLength(2);
    expect(chunkPrompt(tokenizer, words('a', 151)).tokenCount).toBe(151);
  });

  test('comma rule: a full chunk moves the text after its last comma on when that comma is ≤ 20 tokens back', () => {
    const a = tokenizer.tokenize('a')[0];
    const comma = tokenizer.tokenize(',')[0];
    // The comma is token 61 (index 60); the 76th token finds the chunk full, 15 tokens after it: split there.
    const near = chunkPrompt(tokenizer, `${words('a', 60)}, ${words('b', 20)}`);
    expect(near.chunks.map((c) => body(c.ids).length)).toEqual([61, 20]);
    expect(body(near.chunks[0].ids).at(-1)).toBe(comma);
    expect(near.tokenCount).toBe(95);
    // Index 55: 20 back, the limit, still splits; index 54: 21 back, no split.
    expect(
      chunkPrompt(tokenizer, `${words('a', 55)}, ${words('b', 25)}`).chunks.map((c) => body(c.ids).length),
    ).toEqual([56, 25]);
    const far = chunkPrompt(tokenizer, `${words('a', 54)}, ${words('b', 26)}`);
    expect(far.chunks.map((c) => body(c.ids).length)).toEqual([75, 6]);
    // A comma arriving at a full chunk opens the next one; it does not move anything.
    const atEdge = chunkPrompt(tokenizer, `${words('a', 75)}, b`);
    expect(body(atEdge.chunks[1].ids)).toEqual([comma, ...tokenizer.tokenize('b')]);
    expect(body(atEdge.chunks[0].ids).every((id) => id === a)).toBe(true);
  });

  test('BREAK starts a new chunk; an empty prompt is one empty chunk', () => {
    const { chunks, tokenCount } = chunkPrompt(tokenizer, 'a red circle BREAK blue');
    expect(chunks.map((c) => body(c.ids))).toEqual([tokenizer.tokenize('a red circle'), tokenizer.tokenize('blue')]);
    expect(tokenCount).toBe(75 + tokenizer.tokenCount('blue'));
    expect(chunkPrompt(tokenizer, '').chunks.map((c) => c.ids)).toEqual([tokenizer.encode('')]);
    expect(emptyChunk(tokenizer).ids).toEqual(tokenizer.encode(''));
  });

  test("SD 2.x: positions after the first eos take the model's pad token", async () => {
    const sd2 = await loadTokenizer(join(MODELS, 'tiny-sd-v', 'tokenizer'));
    const [chunk] = chunkPrompt(sd2, '(a) b').chunks;
    expect(chunk.ids[0]).toBe(sd2.bosId);
    const eos = chunk.ids.indexOf(sd2.eosId);
    expect(Array.from(chunk.ids.slice(eos + 1)).every((id) => id === sd2.padId && id === 0)).toBe(true);
    expect(chunkPrompt(sd2, 'a b').chunks[0].ids).toEqual(sd2.encode('a b'));
  });

  test('truncation for a fixed-length UNet keeps the first 75 tokens with their weights', () => {
    const t = chunkPrompt(tokenizer, `(${words('a', 70)}) BREAK ${words('b', 10)}`, { truncate: true });
    expect(t.chunks).toHaveLength(1);
    expect(t.dropped).toBe(5);
    expect(t.chunks[0].weights.slice(1, 76)).toEqual([...Array<number>(70).fill(1.1), ...Array<number>(5).fill(1)]);
  });

  test("a concept's vectors keep their weight and never straddle two chunks", async () => {
    const withConcept = await loadTokenizer(join(MODELS, 'tiny-sd', 'tokenizer'));
    const ids = withConcept.addTrigger('sks', 3);
    const [chunk] = chunkPrompt(withConcept, 'a (sks:1.2) b').chunks;
    const at = Array.from(chunk.ids).indexOf(ids[0]);
    expect(Array.from(chunk.ids.slice(at, at + 3))).toEqual(ids);
    expect(chunk.weights.slice(at, at + 3)).toEqual([1.2, 1.2, 1.2]);
    const edge = chunkPrompt(withConcept, `${words('a', 73)} sks`).chunks;
    expect(edge.map((c) => body(c.ids).length)).toEqual([73, 3]);
  });
});

describe('embeddings', () => {
  const plain = async (ids: Int32Array) => (await textEncoder.encode(ids)).data.slice();

  test('a plain prompt is bit-identical to encoding the tokenizer ids directly', async () => {
    for (const text of ['a red circle', 'ratio 16:9, a house', '']) {
      const { data, dims } = await encodeChunks(textEncoder, chunkPrompt(tokenizer, text).chunks);
      expect(dims).toEqual([1, 77, 32]);
      expect(data).toEqual(await plain(tokenizer.encode(text)));
    }
  });

  test.each(['a (red:1.5) circle', 'a ((red)) [[circle]], (square:0.3)', '(a blue square', 'a [[[green]]] triangle'])(
    'weighted %s matches the A1111 rule within 1e-5',
    async (text) => {
      const [chunk] = chunkPrompt(shapesTokenizer, text).chunks;
      const z = (await shapesEncoder.encode(chunk.ids)).data.slice();
      const hidden = z.length / 77;
      let before = 0;
      let after = 0;
      const weighted = Array.from(z, (v, i) => v * chunk.weights[Math.floor(i / hidden)]);
      z.forEach((v, i) => ((before += v), (after += weighted[i])));
      const expected = weighted.map((v) => v * (before / after));
      const { data } = await encodeChunks(shapesEncoder, [chunk]);
      const maxDiff = Math.max(...expected.map((v, i) => Math.abs(v - data[i])));
      expect(maxDiff).toBeLessThan(1e-5);
      // The weighting changes the embedding.
      expect(Math.max(...Array.from(z, (v, i) => Math.abs(v - data[i])))).toBeGreaterThan(1e-2);
    },
  );

  test('on tiny-sd the weighted chunk is z·w per token times one common factor', async () => {
    const [chunk] = chunkPrompt(tokenizer, 'a (red:1.5) [circle]').chunks;
    const z = await plain(chunk.ids);
    const { data } = await encodeChunks(textEncoder, [chunk]);
    const factors = Array.from(z, (v, i) => data[i] / (v * chunk.weights[Math.floor(i / 32)])).filter(Number.isFinite);
    const first = factors[0];
    expect(Math.max(...factors.map((f) => Math.abs(f / first - 1)))).toBeLessThan(1e-6);
  });

  test('long prompts concatenate their chunks: [1, 77·n, hidden], each chunk encoded alone', async () => {
    const { chunks } = chunkPrompt(tokenizer, `${words('red', 50)}, ${words('circle', 40)}`);
    expect(chunks).toHaveLength(2);
    const { data, dims } = await encodeChunks(textEncoder, chunks);
    expect(dims).toEqual([1, 154, 32]);
    expect(data.subarray(0, 77 * 32)).toEqual(await plain(chunks[0].ids));
    expect(data.subarray(77 * 32)).toEqual(await plain(chunks[1].ids));
  });
});
