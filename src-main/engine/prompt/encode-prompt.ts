// Weighted, chunked prompt encoding as AUTOMATIC1111's `FrozenCLIPEmbedderWithCustomWords` does it.
//
// ## Rules
// - Fragments from `parsePromptAttention` are tokenized one by one; each token carries its fragment's weight.
// - Tokens fill 75-token chunks. When a token arrives at a full chunk and the chunk's last comma is at most 20
//   tokens back, everything after that comma moves to the next chunk (A1111's `comma_padding_backtrack` = 20).
//   A comma itself never triggers the move; it only marks the position. `BREAK` closes the chunk at once.
//   A concept trigger's vectors never straddle two chunks: if they do not fit, the chunk closes first.
// - Each chunk is `[bos] + tokens + [eos]`, padded to 77 with eos, then every position after the first eos is set
//   to the model's pad token (no-op for SD 1.x, `!` for SD 2.x), i.e. what the tokenizer gives a short prompt.
//   bos, eos and padding have weight 1. An empty prompt is one chunk.
// - Each chunk is encoded alone; then, unless every weight is 1, `z *= w` per token and
//   `z *= mean(z before) / mean(z after)` over the whole chunk, in float32 (means accumulate in float64).
//   With all weights 1 both steps are exact identities and are skipped: a plain prompt of ≤ 75 tokens gives
//   exactly the tokenizer's 77 ids and the text encoder's output, as before prompt syntax existed.
// - Chunks concatenate along the sequence axis: [1, 77·n, hidden]. With guidance, the shorter of prompt and
//   negative is padded with chunks of the empty prompt to the longer one's count.
// - A UNet whose `encoder_hidden_states` has a fixed sequence length cannot take 77·n: the prompt is truncated to
//   its first 75 tokens (BREAK and the comma rule ignored, weights kept), with a warning.
import type { TextEncoder } from '../adapters/text-encoder';
import type { ClipTokenizer } from '../tokenizer/clip-tokenizer';
import { isBreak, parsePromptAttention } from './prompt-weights';
import { removeLoraTags } from '../../shared/loras';

/** How far back (in tokens) a full chunk looks for a comma to split at; A1111's default. */
export const COMMA_BACKTRACK = 20;

export interface PromptChunk {
  /** The text encoder's input ids, length `tokenizer.maxLength`. */
  ids: Int32Array;
  /** One weight per id. */
  weights: number[];
}

export interface ChunkedPrompt {
  chunks: PromptChunk[];
  /** A1111's count: 75 for every chunk but the last, plus the last one's tokens. */
  tokenCount: number;
  /** Tokens left out by truncation (0 unless `truncate`). */
  dropped: number;
}

export function chunkPrompt(tokenizer: ClipTokenizer, text: string, { truncate = false } = {}): ChunkedPrompt {
  const size = tokenizer.maxLength - 2;
  const comma = tokenizer.tokenize(',')[0];
  const chunks: PromptChunk[] = [];
  let ids: number[] = [];
  let weights: number[] = [];
  let tokenCount = 0;
  let lastComma = -1;
  const nextChunk = (isLast = false) => {
    tokenCount += isLast ? ids.length : size;
    chunks.push(wrapChunk(tokenizer, ids, weights));
    [ids, weights, lastComma] = [[], [], -1];
  };
  // `<lora:name:w>` tags call LoRAs (merged into the weights before this runs); the text encoder never sees them.
  const fragments = parsePromptAttention(removeLoraTags(text));
  if (truncate) return truncated(tokenizer, fragments);
  for (const fragment of fragments) {
    if (isBreak(fragment)) {
      nextChunk();
      continue;
    }
    for (const group of tokenizer.tokenizeGroups(fragment.text)) {
      if (group.length === 1 && group[0] === comma) lastComma = ids.length;
      else if (ids.length === size && lastComma !== -1 && ids.length - lastComma <= COMMA_BACKTRACK) {
        const at = lastComma + 1;
        const [movedIds, movedWeights] = [ids.slice(at), weights.slice(at)];
        [ids, weights] = [ids.slice(0, at), weights.slice(0, at)];
        nextChunk();
        [ids, weights] = [movedIds, movedWeights];
      }
      if (ids.length === size) nextChunk();
      if (group.length > 1 && ids.length + group.length > size) nextChunk();
      for (const id of group) {
        ids.push(id);
        weights.push(fragment.weight);
      }
    }
  }
  if (ids.length > 0 || chunks.length === 0) nextChunk(true);
  return { chunks, tokenCount, dropped: 0 };
}

/** The chunk of the empty prompt, which pads the shorter side of a guided pair. */
export function emptyChunk(tokenizer: ClipTokenizer): PromptChunk {
  return wrapChunk(tokenizer, [], []);
}

/** Encodes each chunk, weights it, and concatenates: [1, 77·n, hidden]. */
export async function encodeChunks(
  textEncoder: TextEncoder,
  chunks: readonly PromptChunk[],
): Promise<{ data: Float32Array; dims: number[] }> {
  const parts: Float32Array[] = [];
  let tokenDims: number[] = [];
  for (const chunk of chunks) {
    const { data, dims } = await textEncoder.encode(chunk.ids);
    tokenDims = dims.slice(2);
    if (chunk.weights.some((w) => w !== 1)) applyWeights(data, chunk.weights, data.length / chunk.ids.length);
    parts.push(data);
  }
  const dims = [1, chunks.length * chunks[0].ids.length, ...tokenDims];
  if (parts.length === 1) return { data: parts[0], dims };
  const data = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((offset, p) => (data.set(p, offset), offset + p.length), 0);
  return { data, dims };
}

/** A1111's emphasis: `z *= w` per token, then the chunk's mean restored (float32 arithmetic, as torch). */
export function applyWeights(z: Float32Array, weights: readonly number[], hidden: number): void {
  const originalMean = Math.fround(mean(z));
  for (let t = 0; t < weights.length; t++) {
    const w = Math.fround(weights[t]);
    for (let i = t * hidden; i < (t + 1) * hidden; i++) z[i] = Math.fround(z[i] * w);
  }
  const ratio = Math.fround(originalMean / Math.fround(mean(z)));
  for (let i = 0; i < z.length; i++) z[i] = Math.fround(z[i] * ratio);
}

function mean(values: Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function wrapChunk(tokenizer: ClipTokenizer, tokens: number[], tokenWeights: number[]): PromptChunk {
  const size = tokenizer.maxLength - 2;
  const ids = new Int32Array(tokenizer.maxLength).fill(tokenizer.eosId);
  const weights = new Array<number>(tokenizer.maxLength).fill(1);
  ids[0] = tokenizer.bosId;
  tokens.slice(0, size).forEach((id, i) => {
    ids[i + 1] = id;
    weights[i + 1] = tokenWeights[i];
  });
  const firstEos = ids.indexOf(tokenizer.eosId);
  ids.fill(tokenizer.padId, firstEos + 1);
  return { ids, weights };
}

function truncated(tokenizer: ClipTokenizer, fragments: ReturnType<typeof parsePromptAttention>): ChunkedPrompt {
  const ids: number[] = [];
  const weights: number[] = [];
  for (const fragment of fragments) {
    if (isBreak(fragment)) continue;
    for (const id of tokenizer.tokenize(fragment.text)) {
      ids.push(id);
      weights.push(fragment.weight);
    }
  }
  const size = tokenizer.maxLength - 2;
  const kept = Math.min(ids.length, size);
  return { chunks: [wrapChunk(tokenizer, ids, weights)], tokenCount: kept, dropped: ids.length - kept };
}
