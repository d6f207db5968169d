import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTextEncoder } from '../adapters/text-encoder';
import { readModelFolder } from '../model-folder';
import { openSession, type GraphSession, type SessionSettings } from '../onnx-session';
import type { PipelineModel } from '../pipeline';
import { loadTokenizer } from '../tokenizer/load-tokenizer';
import { halfBitsToFloat32, float32ToHalf } from '../../formats/float16';
import { createConceptCache } from './concept-cache';
import { injectConcepts } from './concept-text-encoder';
import { appendEmbeddingRows, readEmbeddingTable } from './embedding-table';

// concept-reference.json: tools/reference/concept_references.py (PyTorch: the fixture's text encoder module with
// the three rows appended to its nn.Embedding, the diffusers way), first 8 positions of last_hidden_state.
const tinySd = join(import.meta.dirname, '../test-fixtures/models/tiny-sd');
const encoderFile = join(tinySd, 'text_encoder/model.onnx');
const reference = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/concept-reference.json'), 'utf8')) as {
  prompt: string;
  trigger: string;
  triggerIds: number[];
  ids: number[];
  positions: number;
  lastHiddenState: number[];
  plainPrompt: string;
  plainIds: number[];
  plainLastHiddenState: number[];
};
const settings: SessionSettings = { providers: ['cpu'], threads: 1, log: () => {} };
// The same vectors as src-main/concepts/fixtures/tri-style.pt, in float32 like torch computes them.
const triStyle = {
  trigger: 'tri-style',
  vectors: Float32Array.from({ length: 96 }, (_, i) => Math.fround(i / 100) - 0.5),
  count: 3,
  width: 32,
};

function expectClose(actual: Float32Array, expected: number[], tolerance: number) {
  let worst = 0;
  expected.forEach((v, i) => (worst = Math.max(worst, Math.abs(actual[i] - v))));
  expect(worst).toBeLessThan(tolerance);
}

describe('concept injection', () => {
  it('finds the token-embedding table behind Cast(input_ids) → Gather', () => {
    expect(readEmbeddingTable(readFileSync(encoderFile))).toEqual({
      name: 'token_embedding.weight',
      rows: 541,
      width: 32,
      type: 'float32',
    });
  });

  it('matches PyTorch with the rows appended to the embedding table', async () => {
    const model = new Uint8Array(readFileSync(encoderFile));
    const tokenizer = await loadTokenizer(join(tinySd, 'tokenizer'));
    const plain = await openTextEncoder(encoderFile, settings);
    const plainIds = tokenizer.encode(reference.plainPrompt);
    expect(Array.from(plainIds)).toEqual(reference.plainIds);
    // The torch module is the ONNX model: the plain prompt agrees before any edit.
    expectClose((await plain.encode(plainIds)).data, reference.plainLastHiddenState, 1e-5);

    const edited = injectConcepts(model, tokenizer, [triStyle]);
    expect(edited.ids.get('tri-style')).toEqual(reference.triggerIds);
    expect(readEmbeddingTable(edited.model).rows).toBe(544);
    const ids = tokenizer.encode(reference.prompt);
    expect(Array.from(ids)).toEqual(reference.ids);
    const encoder = await openTextEncoder(encoderFile, settings, edited.model);
    const out = await encoder.encode(ids);
    expectClose(out.data, reference.lastHiddenState, 1e-5);
    // And the old rows are untouched: the plain prompt encodes as before.
    expectClose((await encoder.encode(plainIds)).data, reference.plainLastHiddenState, 1e-5);
    await Promise.all([plain.session.release(), encoder.session.release()]);
  });

  it('appends float16 rows to a float16 table', async () => {
    const model = new Uint8Array(readFileSync(join(import.meta.dirname, 'fixtures/fp16-table.onnx')));
    expect(readEmbeddingTable(model)).toMatchObject({ rows: 5, width: 4, type: 'float16' });
    const rows = Float32Array.of(0.1, 0.2, 0.3, 0.4, -1, -2, -3, 65504);
    const session = await openSession('fp16-table.onnx', settings, appendEmbeddingRows(model, rows));
    const input = BigInt64Array.of(0n, 5n, 6n);
    const out = (await session.run({ input_ids: { type: 'int64', data: input, dims: [1, 3] } })).out;
    const halfRounded = Array.from(float32ToHalf(rows), halfBitsToFloat32);
    expect(Array.from(out.data as Float32Array)).toEqual([-1, -0.875, -0.75, -0.625, ...halfRounded]);
    await session.release();
  });

  it('refuses vectors of another width as not compatible with this model', async () => {
    const tokenizer = await loadTokenizer(join(tinySd, 'tokenizer'));
    const wide = { trigger: 'heart', vectors: new Float32Array(512), count: 2, width: 256 };
    expect(() => injectConcepts(readFileSync(encoderFile), tokenizer, [wide])).toThrow(
      /not compatible with this model/,
    );
  });

  it('rebuilds the text encoder only when the enabled set changes', async () => {
    const description = await readModelFolder(tinySd);
    const tokenizer = await loadTokenizer(join(tinySd, 'tokenizer'));
    const base = await openTextEncoder(encoderFile, settings);
    const model = {
      description,
      tokenizer,
      textEncoder: base,
      sessions: () => [base.session],
    } as unknown as PipelineModel & {
      sessions: () => GraphSession[];
    };
    const cache = createConceptCache(settings);
    const first = await cache.apply(model, [triStyle]);
    const again = await cache.apply(model, [{ ...triStyle, vectors: triStyle.vectors.slice() }]);
    expect(again.textEncoder).toBe(first.textEncoder);
    expect(first.tokenizer).not.toBe(tokenizer);
    expect(tokenizer.tokenize('tri-style')).not.toEqual(reference.triggerIds);
    const other = await cache.apply(model, [{ ...triStyle, trigger: 'other' }]);
    expect(other.textEncoder).not.toBe(first.textEncoder);
    expect(await cache.apply(model, [])).toBe(model);
    await cache.release();
    await base.session.release();
  });
});
