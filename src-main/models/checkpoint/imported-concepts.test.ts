// Concepts work on an imported model: its text encoder is one self-contained model.onnx (inline-model-writer.ts),
// so concept injection finds and extends the token-embedding table, and the result matches PyTorch with the rows
// appended to the embedding (engine/concepts/fixtures/concept-reference.json, the same weights as the import).
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTextEncoder } from '../../engine/adapters/text-encoder';
import { injectConcepts } from '../../engine/concepts/concept-text-encoder';
import { readEmbeddingTable } from '../../engine/concepts/embedding-table';
import { loadTokenizer } from '../../engine/tokenizer/load-tokenizer';
import { importCheckpoint } from './import-checkpoint';

const engineDir = path.join(import.meta.dirname, '../../engine');
const reference = JSON.parse(
  readFileSync(path.join(engineDir, 'concepts/fixtures/concept-reference.json'), 'utf8'),
) as { prompt: string; triggerIds: number[]; lastHiddenState: number[] };
let temp: string;
let folder: string;

beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'imported-concepts-'));
  folder = path.join(temp, 'model');
  await importCheckpoint({
    file: path.join(import.meta.dirname, 'fixtures', 'tiny-ldm.safetensors'),
    outDir: folder,
    config: path.join(engineDir, 'test-fixtures/models/tiny-sd'),
    tokenizerCandidates: [],
  });
}, 60_000);
afterAll(() => rm(temp, { recursive: true, force: true }));

it('an imported text encoder takes concepts and gives PyTorch’s embeddings', async () => {
  const file = path.join(folder, 'text_encoder', 'model.onnx');
  expect(await readdir(path.join(folder, 'text_encoder'))).toEqual(['config.json', 'model.onnx']);
  const model = new Uint8Array(readFileSync(file));
  expect(readEmbeddingTable(model)).toMatchObject({ rows: 541, width: 32, type: 'float32' });
  const tokenizer = await loadTokenizer(path.join(folder, 'tokenizer'));
  // The vectors of src-main/concepts/fixtures/tri-style.pt, as the engine's own concept test uses them.
  const vectors = Float32Array.from({ length: 96 }, (_, i) => Math.fround(i / 100) - 0.5);
  const edited = injectConcepts(model, tokenizer, [{ trigger: 'tri-style', vectors, count: 3, width: 32 }]);
  expect(edited.ids.get('tri-style')).toEqual(reference.triggerIds);
  const encoder = await openTextEncoder(file, { providers: ['cpu'], threads: 1, log: () => {} }, edited.model);
  const out = await encoder.encode(tokenizer.encode(reference.prompt));
  let worst = 0;
  reference.lastHiddenState.forEach((v, i) => (worst = Math.max(worst, Math.abs(out.data[i] - v))));
  expect(worst).toBeLessThan(1e-5);
  await encoder.session.release();
});
