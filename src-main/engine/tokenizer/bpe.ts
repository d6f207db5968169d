// Byte-pair encoding of one word (Sennrich et al. 2016), as in CLIP's simple_tokenizer `bpe()`.

/** Merge ranks keyed by `"left right"`; a space never occurs inside a byte-level symbol. */
export type MergeRanks = ReadonlyMap<string, number>;

export const END_OF_WORD = '</w>';

/**
 * Applies merges to one word, lowest rank first, until no adjacent pair has a rank. Each round merges every
 * non-overlapping occurrence of the chosen pair left to right, which is what makes "a a a" → "aa a".
 */
export function bpeWord(symbols: readonly string[], ranks: MergeRanks): string[] {
  if (symbols.length === 0) return [];
  let word = symbols.slice(0, -1);
  word.push(symbols[symbols.length - 1] + END_OF_WORD);

  while (word.length > 1) {
    let bestRank = Infinity;
    let bestLeft = '';
    let bestRight = '';
    for (let i = 0; i < word.length - 1; i++) {
      const rank = ranks.get(word[i] + ' ' + word[i + 1]);
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        bestLeft = word[i];
        bestRight = word[i + 1];
      }
    }
    if (bestRank === Infinity) break;

    const merged: string[] = [];
    for (let i = 0; i < word.length; i++) {
      if (i < word.length - 1 && word[i] === bestLeft && word[i + 1] === bestRight) {
        merged.push(bestLeft + bestRight);
        i++;
      } else {
        merged.push(word[i]);
      }
    }
    word = merged;
  }
  return word;
}
