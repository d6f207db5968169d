// Parser for a Hugging Face CLIPTokenizer folder: vocab.json, merges.txt, tokenizer_config.json, special_tokens_map.json.

import type { MergeRanks } from './bpe';

/** The contents of a diffusers `tokenizer/` folder; the two JSON configs are optional. */
export interface TokenizerFiles {
  vocabJson: string;
  mergesTxt: string;
  tokenizerConfigJson?: string;
  specialTokensMapJson?: string;
}

export interface SpecialTokens {
  bos: string;
  eos: string;
  pad: string;
  unk: string;
}

export interface ParsedTokenizerFiles {
  vocab: Map<string, number>;
  ranks: MergeRanks;
  special: SpecialTokens;
  maxLength: number;
}

/** CLIP's text encoder has 77 positions; configs that omit the length or give HF's "unbounded" sentinel get it. */
export const DEFAULT_MAX_LENGTH = 77;
const LARGEST_PLAUSIBLE_LENGTH = 4096;

const CLIP_DEFAULTS: SpecialTokens = {
  bos: '<|startoftext|>',
  eos: '<|endoftext|>',
  pad: '<|endoftext|>',
  unk: '<|endoftext|>',
};

export function parseTokenizerFiles(files: TokenizerFiles): ParsedTokenizerFiles {
  const vocab = parseVocab(files.vocabJson);
  const ranks = parseMerges(files.mergesTxt);
  const config = parseJsonObject(files.tokenizerConfigJson, 'tokenizer_config.json');
  const specialMap = parseJsonObject(files.specialTokensMapJson, 'special_tokens_map.json');

  // special_tokens_map.json overrides tokenizer_config.json, as in transformers' from_pretrained.
  const special = { ...CLIP_DEFAULTS };
  for (const key of ['bos', 'eos', 'pad', 'unk'] as const) {
    const name = `${key}_token`;
    const chosen =
      tokenContent(specialMap[name], 'special_tokens_map.json', name) ??
      tokenContent(config[name], 'tokenizer_config.json', name);
    if (chosen !== undefined) special[key] = chosen;
    if (!vocab.has(special[key])) {
      throw new Error(`tokenizer: ${name} "${special[key]}" is not in vocab.json`);
    }
  }
  return { vocab, ranks, special, maxLength: parseMaxLength(config.model_max_length) };
}

function parseVocab(text: string): Map<string, number> {
  const json = parseJson(text, 'vocab.json');
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error('vocab.json: expected an object mapping tokens to ids');
  }
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(json)) {
    if (!Number.isInteger(id) || (id as number) < 0) {
      throw new Error(`vocab.json: id of ${JSON.stringify(token)} is not a non-negative integer`);
    }
    vocab.set(token, id as number);
  }
  if (vocab.size === 0) throw new Error('vocab.json: the vocabulary is empty');
  return vocab;
}

function parseMerges(text: string): MergeRanks {
  const ranks = new Map<string, number>();
  const lines = text.split('\n');
  let rank = 0;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line === '' || (index === 0 && line.startsWith('#version'))) continue;
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new Error(`merges.txt line ${index + 1}: expected two symbols separated by one space`);
    }
    // A repeated pair keeps its later rank, like transformers' dict(zip(merges, range(n))).
    ranks.set(line, rank++);
  }
  if (ranks.size === 0) throw new Error('merges.txt: no merges found');
  return ranks;
}

function parseMaxLength(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_MAX_LENGTH;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 2) {
    throw new Error('tokenizer_config.json: model_max_length must be an integer ≥ 2');
  }
  return value > LARGEST_PLAUSIBLE_LENGTH ? DEFAULT_MAX_LENGTH : value;
}

/** A special token is written either as a plain string or as an AddedToken object `{ content, … }`. */
function tokenContent(value: unknown, file: string, key: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  throw new Error(`${file}: ${key} must be a string or an object with a string "content"`);
}

function parseJsonObject(text: string | undefined, file: string): Record<string, unknown> {
  if (text === undefined) return {};
  const json = parseJson(text, file);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error(`${file}: expected a JSON object`);
  }
  return json as Record<string, unknown>;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}
