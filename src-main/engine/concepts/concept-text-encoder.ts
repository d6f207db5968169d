// A text encoder and tokenizer that know a set of concepts: each trigger maps to new token ids after the
// vocabulary, and the embedding table gains their vectors as rows at exactly those ids.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { openTextEncoder, type TextEncoder } from '../adapters/text-encoder';
import type { ConceptVectors } from '../engine-types';
import type { SessionSettings } from '../onnx-session';
import type { ClipTokenizer } from '../tokenizer/clip-tokenizer';
import { loadTokenizer } from '../tokenizer/load-tokenizer';
import { appendEmbeddingRows, ConceptInjectionError, readEmbeddingTable } from './embedding-table';

export interface ConceptTextEncoder {
  key: string;
  tokenizer: ClipTokenizer;
  textEncoder: TextEncoder;
}

/** Identifies an enabled set: the same triggers with the same vectors share one session. */
export function conceptSetKey(concepts: readonly ConceptVectors[]): string {
  const hash = createHash('sha256');
  for (const c of [...concepts].sort((a, b) => (a.trigger < b.trigger ? -1 : 1))) {
    hash.update(`${c.trigger}\0${c.count}\0${c.width}\0`);
    hash.update(new Uint8Array(c.vectors.buffer, c.vectors.byteOffset, c.vectors.byteLength));
  }
  return hash.digest('hex');
}

/** The table rows and tokenizer for `concepts`; exported for tests that compare against a reference. */
export function injectConcepts(
  model: Uint8Array,
  tokenizer: ClipTokenizer,
  concepts: readonly ConceptVectors[],
): { model: Uint8Array; ids: Map<string, number[]> } {
  const table = readEmbeddingTable(model);
  // New ids come after the tokenizer's vocabulary; the table must end exactly there for ids to index rows.
  if (table.rows !== tokenizer.vocabSize)
    throw new ConceptInjectionError(
      `this model's embedding table has ${table.rows} rows for a vocabulary of ${tokenizer.vocabSize}: concepts cannot be added`,
    );
  const ids = new Map<string, number[]>();
  const rows = new Float32Array(concepts.reduce((n, c) => n + c.count, 0) * table.width);
  let next = table.rows;
  for (const c of concepts) {
    if (c.width !== table.width)
      throw new ConceptInjectionError(
        `concept "${c.trigger}" has ${c.width}-wide vectors; this model's text encoder needs ${table.width}: not compatible with this model`,
      );
    const assigned = tokenizer.addTrigger(c.trigger, c.count);
    if (assigned[0] !== next) throw new ConceptInjectionError(`concept "${c.trigger}" is listed twice`);
    rows.set(c.vectors.subarray(0, c.count * c.width), (next - table.rows) * table.width);
    next += c.count;
    ids.set(c.trigger, assigned);
  }
  return { model: appendEmbeddingRows(model, rows), ids };
}

export async function openConceptTextEncoder(
  files: { textEncoder: string; tokenizer: { vocab: string } },
  concepts: readonly ConceptVectors[],
  settings: SessionSettings,
  /** The text encoder to add rows to when it is not the file's (LoRAs merged); default: the file. */
  base?: Uint8Array,
): Promise<ConceptTextEncoder> {
  // A fresh tokenizer: the model's shared one must keep knowing no triggers.
  const tokenizer = await loadTokenizer(dirname(files.tokenizer.vocab));
  const original = base ?? new Uint8Array(await readFile(files.textEncoder));
  const { model } = injectConcepts(original, tokenizer, concepts);
  const textEncoder = await openTextEncoder(files.textEncoder, settings, model);
  return { key: conceptSetKey(concepts), tokenizer, textEncoder };
}
