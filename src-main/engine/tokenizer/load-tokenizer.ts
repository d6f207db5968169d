// Reads a diffusers `tokenizer/` folder from disk into a ClipTokenizer; the only tokenizer file that touches fs.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ClipTokenizer } from './clip-tokenizer';

/** Loads vocab.json and merges.txt (required) plus tokenizer_config.json and special_tokens_map.json (optional). */
export async function loadTokenizer(folder: string): Promise<ClipTokenizer> {
  const [vocabJson, mergesTxt, tokenizerConfigJson, specialTokensMapJson] = await Promise.all([
    readTokenizerFile(folder, 'vocab.json', true),
    readTokenizerFile(folder, 'merges.txt', true),
    readTokenizerFile(folder, 'tokenizer_config.json', false),
    readTokenizerFile(folder, 'special_tokens_map.json', false),
  ]);
  try {
    return ClipTokenizer.fromFiles({
      vocabJson: vocabJson!,
      mergesTxt: mergesTxt!,
      tokenizerConfigJson,
      specialTokensMapJson,
    });
  } catch (error) {
    throw new Error(`cannot load tokenizer from ${folder}: ${(error as Error).message}`, { cause: error });
  }
}

async function readTokenizerFile(folder: string, name: string, required: boolean): Promise<string | undefined> {
  const file = path.join(folder, name);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return undefined;
    const problem = code === 'ENOENT' ? 'file is missing' : (error as Error).message;
    throw new Error(`cannot load tokenizer: ${file}: ${problem}`, { cause: error });
  }
}
