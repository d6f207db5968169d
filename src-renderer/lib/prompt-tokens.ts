// A quick estimate of CLIP's token count, for the counter under a prompt: the real BPE lives in the engine.
// CLIP's text encoder has 77 positions; two hold the start and end tokens, so 75 carry the prompt. Longer prompts
// are encoded in 75-token chunks (and BREAK starts a new one), so the counter reads "92/150": tokens / chunk room.
export const promptTokenLimit = 75;

// A1111 prompt syntax, blanked out (same length, so concept spans keep their offsets): escapes keep the escaped
// character, weights `:1.3)` and unescaped brackets are not tokens, BREAK ends a chunk.
const SYNTAX = /\\\\|\\([()[\]])|\\|:\s*[+-]?[.\d]+\s*\)|[()[\]]|\bBREAK\b/g;

/** A concept trigger in the text: it takes as many positions as its embedding has vectors. */
export interface ConceptSpan {
  start: number;
  end: number;
  vectors: number;
}

/**
 * Words of up to 8 letters are usually one BPE token, longer ones split about every 6; each symbol is one. A concept's
 * trigger counts its vectors instead (a 4-vector embedding takes 4 of the 75).
 */
export function estimateTokens(text: string, concepts: readonly ConceptSpan[] = []): number {
  let count = concepts.reduce((sum, c) => sum + c.vectors, 0);
  const plain = text.replace(SYNTAX, (m, escaped: string | undefined) =>
    escaped ? ` ${escaped}` : m === '\\\\' ? ' \\' : ' '.repeat(m.length),
  );
  for (const match of plain.toLowerCase().matchAll(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)) {
    if (concepts.some((c) => match.index >= c.start && match.index < c.end)) continue;
    const piece = match[0];
    count += piece.length <= 8 ? 1 : Math.ceil(piece.length / 6);
  }
  return count;
}

/** The counter's figures: estimated tokens, and the room of the chunks they take (75 each; BREAK opens one). */
export function promptTokenBudget(
  text: string,
  concepts: readonly ConceptSpan[] = [],
): { tokens: number; room: number } {
  const tokens = estimateTokens(text, concepts);
  const breaks = text.replace(/\\./g, '  ').match(/\bBREAK\b/g)?.length ?? 0;
  const chunks = Math.max(1, Math.ceil(tokens / promptTokenLimit), breaks + 1);
  return { tokens, room: chunks * promptTokenLimit };
}
