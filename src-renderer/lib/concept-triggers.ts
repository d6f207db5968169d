// Concept triggers inside a prompt: which words call a concept (as the main process matches them: whole words, any
// case), whether each will work with the chosen model, and the word being typed for autocompletion.
import type { ConceptInfo } from '../../src-main/shared/concepts';

export type TriggerStatus = 'ok' | 'disabled' | 'width' | 'unknown';

export interface TriggerUse {
  /** The text as typed. */
  text: string;
  start: number;
  end: number;
  concept: ConceptInfo | null;
  status: TriggerStatus;
}

/** The model's text-encoder width, when known: a concept of another width cannot be used. */
export function statusOf(concept: ConceptInfo | null, modelWidth: number | null): TriggerStatus {
  if (!concept) return 'unknown';
  if (!concept.enabled) return 'disabled';
  if (modelWidth !== null && concept.width !== modelWidth) return 'width';
  return 'ok';
}

export function statusText(use: Pick<TriggerUse, 'status' | 'concept'>, modelWidth: number | null): string {
  switch (use.status) {
    case 'ok':
      return `${use.concept!.vectors} ${use.concept!.vectors === 1 ? 'vector' : 'vectors'}`;
    case 'disabled':
      return 'disabled: not used';
    case 'width':
      return `width ${use.concept!.width}, but this model needs ${modelWidth}`;
    case 'unknown':
      return 'no such concept';
  }
}

const isLetter = (ch: string | undefined) => ch !== undefined && /\p{L}/u.test(ch);

/**
 * Every concept trigger in the text, and every `<word>` that names no concept (the diffusers style of trigger that
 * was probably meant as one), in text order.
 */
export function findTriggers(text: string, concepts: ConceptInfo[], modelWidth: number | null): TriggerUse[] {
  const uses: TriggerUse[] = [];
  const lower = text.toLowerCase();
  // Longest first, so that `<cat-toy-2>` is not also found as `cat-toy`.
  const byLength = [...concepts].sort((a, b) => b.trigger.length - a.trigger.length);
  const taken = (start: number, end: number) => uses.some((u) => start < u.end && end > u.start);
  for (const concept of byLength) {
    const needle = concept.trigger.toLowerCase();
    for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + 1)) {
      const end = at + needle.length;
      if (isLetter(text[at - 1]) || isLetter(text[end]) || taken(at, end)) continue;
      uses.push({ text: text.slice(at, end), start: at, end, concept, status: statusOf(concept, modelWidth) });
    }
  }
  for (const match of text.matchAll(new RegExp(`<[^<>\\s]{1,64}>`, 'gu'))) {
    const start = match.index;
    const end = start + match[0].length;
    if (!taken(start, end)) uses.push({ text: match[0], start, end, concept: null, status: 'unknown' });
  }
  return uses.sort((a, b) => a.start - b.start);
}

/** The word being typed at the caret: where it starts, and what has been typed of it. */
export function wordAt(text: string, caret: number): { start: number; prefix: string } {
  const before = text.slice(0, caret);
  const match = /[^\s,()[\]{}|:]+$/u.exec(before);
  return match ? { start: match.index, prefix: match[0] } : { start: caret, prefix: '' };
}

/** Concepts whose trigger completes `prefix`: those it starts first, then those that contain it. */
export function completions(prefix: string, concepts: ConceptInfo[], limit = 8): ConceptInfo[] {
  const p = prefix.toLowerCase();
  if (p.length === 0) return [];
  const starts = concepts.filter((c) => c.trigger.toLowerCase().startsWith(p));
  const contains = concepts.filter((c) => !starts.includes(c) && c.trigger.toLowerCase().includes(p));
  return [...starts, ...contains].filter((c) => c.trigger.toLowerCase() !== p).slice(0, limit);
}

/** Puts `word` in place of text[start, end), with one space either side where a word touches it. */
export function insertWord(text: string, start: number, end: number, word: string): { text: string; caret: number } {
  const before = text.slice(0, start);
  const after = text.slice(end);
  const lead = before.length > 0 && !/[\s(,[]$/.test(before) ? ' ' : '';
  const trail = after.length > 0 && /^[\s),\]]/.test(after) ? '' : ' ';
  const inserted = `${lead}${word}${trail}`;
  return { text: before + inserted + after, caret: before.length + inserted.length };
}
