// A quick estimate of CLIP's token count, for the counter under a prompt: the real BPE lives in the engine.
// CLIP's text encoder has 77 positions; two hold the start and end tokens, so 75 carry the prompt.
export const promptTokenLimit = 75;

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
  for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)) {
    if (concepts.some((c) => match.index >= c.start && match.index < c.end)) continue;
    const piece = match[0];
    count += piece.length <= 8 ? 1 : Math.ceil(piece.length / 6);
  }
  return count;
}
