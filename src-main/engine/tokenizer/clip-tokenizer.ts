// CLIP BPE tokenizer (Radford et al. 2021; openai/CLIP simple_tokenizer.py, transformers' CLIPTokenizer).

import { bpeWord, END_OF_WORD, type MergeRanks } from './bpe';
import { fromByteSymbols, toByteSymbols } from './byte-level';
import { parseTokenizerFiles, type TokenizerFiles } from './tokenizer-files';

export type { TokenizerFiles } from './tokenizer-files';

// Unicode White_Space, like the `\s` of Python's `regex` module in CLIPTokenizer; JS `\s` adds U+FEFF, omits U+0085.
const WHITESPACE_RUN = /\p{White_Space}+/gu;
const CLIP_PIECES = String.raw`<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\p{White_Space}\p{L}\p{N}]+`;
// CLIP's own special tokens bypass BPE (no `</w>`), whatever the config calls bos/eos.
const CLIP_MARKERS = new Set(['<|startoftext|>', '<|endoftext|>']);
const SPACE_SYMBOL = toByteSymbols(' ')[0];
const WORD_CACHE_LIMIT = 20_000;
const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

/** NFC, whitespace runs → one space, strip, lower-case: CLIP's text cleanup with ftfy reduced to NFC. */
export function cleanPrompt(text: string): string {
  return text.normalize('NFC').replace(WHITESPACE_RUN, ' ').replace(/^ | $/g, '').toLowerCase();
}

export class ClipTokenizer {
  /** Length of `encode`'s output: the text encoder's positions (77 for every SD 1.x/2.x model). */
  readonly maxLength: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  readonly unkId: number;

  readonly #vocab: ReadonlyMap<string, number>;
  readonly #ranks: MergeRanks;
  readonly #wordCache = new Map<string, readonly number[]>();
  readonly #triggers = new Map<string, readonly number[]>();
  #nextId: number;
  #pieces = new RegExp(CLIP_PIECES, 'giu');
  #tokensById: Map<number, string> | undefined;

  static fromFiles(files: TokenizerFiles): ClipTokenizer {
    return new ClipTokenizer(files);
  }

  private constructor(files: TokenizerFiles) {
    const { vocab, ranks, special, maxLength } = parseTokenizerFiles(files);
    this.#vocab = vocab;
    this.#ranks = ranks;
    this.maxLength = maxLength;
    this.bosId = vocab.get(special.bos)!;
    this.eosId = vocab.get(special.eos)!;
    this.padId = vocab.get(special.pad)!;
    this.unkId = vocab.get(special.unk)!;
    let largestId = 0;
    for (const id of vocab.values()) largestId = Math.max(largestId, id);
    this.#nextId = largestId + 1;
  }

  /** Vocabulary size including added tokens: the rows the text encoder's embedding table must have. */
  get vocabSize(): number {
    return this.#nextId;
  }

  /** Token ids of a prompt, without bos/eos, untruncated. */
  tokenize(text: string): number[] {
    return this.tokenizeGroups(text).flat();
  }

  /**
   * Token ids of a prompt in groups that must stay together: a concept trigger's ids are one group (A1111 never
   * splits an embedding across 75-token chunks), every other token is a group of its own.
   */
  tokenizeGroups(text: string): number[][] {
    const groups: number[][] = [];
    for (const match of cleanPrompt(text).matchAll(this.#pieces)) {
      const trigger = match.groups?.trigger;
      const triggerIds = trigger === undefined ? undefined : this.#triggers.get(trigger);
      if (triggerIds) groups.push([...triggerIds]);
      else for (const id of this.#pieceIds(match[0])) groups.push([id]);
    }
    return groups;
  }

  /** Number of prompt tokens, as shown by a "n / 75" counter. */
  tokenCount(text: string): number {
    return this.tokenize(text).length;
  }

  /** The text encoder's `input_ids`: `[bos] + ids[:maxLength-2] + [eos]`, then padding to `maxLength`. */
  encode(text: string): Int32Array {
    const ids = this.tokenize(text);
    const bodyLength = Math.min(ids.length, this.maxLength - 2);
    const inputIds = new Int32Array(this.maxLength).fill(this.padId);
    inputIds[0] = this.bosId;
    for (let i = 0; i < bodyLength; i++) inputIds[i + 1] = ids[i];
    inputIds[bodyLength + 1] = this.eosId;
    return inputIds;
  }

  /** Readable text of ids, for debugging and token highlighting; added tokens show as their trigger. */
  decode(ids: ArrayLike<number>): string {
    this.#tokensById ??= this.#symbolsById();
    let symbols = '';
    for (const id of Array.from(ids)) symbols += this.#tokensById.get(id) ?? '';
    const text = new TextDecoder().decode(fromByteSymbols(symbols.replaceAll(END_OF_WORD, SPACE_SYMBOL)));
    return text.trim();
  }

  /** Adds whole-word tokens after the vocabulary, one new id each (HF `add_tokens`). */
  addTokens(tokens: readonly string[]): number[] {
    return tokens.map((token) => this.addTrigger(token, 1)[0]);
  }

  /**
   * Maps a trigger word to `n` consecutive new ids, the way A1111 expands a textual-inversion embedding with
   * n vectors. Matching is case-insensitive and never inside a run of letters ("sks" does not match "sksx").
   * Adding the same trigger again with the same `n` returns its ids.
   */
  addTrigger(trigger: string, n: number): number[] {
    const key = cleanPrompt(trigger);
    if (key === '') throw new Error('tokenizer: a trigger must contain a non-space character');
    if (!Number.isInteger(n) || n < 1) throw new Error(`tokenizer: trigger "${key}" needs n ≥ 1 ids, got ${n}`);
    const existing = this.#triggers.get(key);
    if (existing !== undefined) {
      if (existing.length !== n) {
        throw new Error(`tokenizer: trigger "${key}" already has ${existing.length} ids, not ${n}`);
      }
      return [...existing];
    }
    const ids = Array.from({ length: n }, (_, i) => this.#nextId + i);
    this.#nextId += n;
    this.#triggers.set(key, ids);
    this.#tokensById = undefined;
    this.#pieces = triggerPiecesPattern([...this.#triggers.keys()]);
    return [...ids];
  }

  #symbolsById(): Map<number, string> {
    const symbols = new Map<number, string>();
    for (const [token, id] of this.#vocab) symbols.set(id, token);
    for (const [trigger, ids] of this.#triggers) {
      ids.forEach((id, i) => symbols.set(id, i === 0 ? toByteSymbols(trigger).join('') + END_OF_WORD : ''));
    }
    return symbols;
  }

  #pieceIds(piece: string): readonly number[] {
    if (CLIP_MARKERS.has(piece)) return [this.#vocab.get(piece) ?? this.unkId];
    const cached = this.#wordCache.get(piece);
    if (cached !== undefined) return cached;
    const ids = bpeWord(toByteSymbols(piece), this.#ranks).map((symbol) => this.#vocab.get(symbol) ?? this.unkId);
    if (this.#wordCache.size >= WORD_CACHE_LIMIT) this.#wordCache.clear();
    this.#wordCache.set(piece, ids);
    return ids;
  }
}

/** CLIP's piece pattern with the triggers tried first, longest first, each guarded against letter neighbours. */
function triggerPiecesPattern(triggers: string[]): RegExp {
  const alternatives = [...triggers]
    .sort((a, b) => b.length - a.length)
    .map((trigger) => {
      const escaped = trigger.replace(REGEX_SYNTAX, '\\$&');
      const before = /^\p{L}/u.test(trigger) ? String.raw`(?<!\p{L})` : '';
      const after = /\p{L}$/u.test(trigger) ? String.raw`(?!\p{L})` : '';
      return before + escaped + after;
    });
  return new RegExp(`(?<trigger>${alternatives.join('|')})|${CLIP_PIECES}`, 'giu');
}
