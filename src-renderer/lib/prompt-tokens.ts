// A quick estimate of CLIP's token count, for the counter under a prompt: the real BPE lives in the engine.
// CLIP's text encoder has 77 positions; two hold the start and end tokens, so 75 carry the prompt.
export const promptTokenLimit = 75;

/** Words of up to 8 letters are usually one BPE token, longer ones split about every 6; each symbol is one. */
export function estimateTokens(text: string): number {
  let count = 0;
  for (const [piece] of text.toLowerCase().matchAll(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)) {
    count += piece.length <= 8 ? 1 : Math.ceil(piece.length / 6);
  }
  return count;
}
