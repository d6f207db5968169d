import { describe, expect, it } from 'vitest';
import type { ConceptInfo } from '../../src-main/shared/concepts';
import { completions, findTriggers, insertWord, statusText, wordAt } from './concept-triggers';

const concept = (trigger: string, extra: Partial<ConceptInfo> = {}): ConceptInfo => ({
  id: trigger.padEnd(64, '0'),
  trigger,
  format: 'safetensors',
  layout: 'a1111',
  vectors: 2,
  width: 256,
  sourceName: `${trigger}.safetensors`,
  role: 'positive',
  enabled: true,
  created: 0,
  preview: null,
  ...extra,
});

describe('findTriggers', () => {
  const library = [
    concept('heart'),
    concept('<cat-toy>', { enabled: false }),
    concept('wide-style', { width: 768 }),
    concept('heart-2'),
  ];

  it('finds whole-word triggers in any case, the longest first, with their status for the model', () => {
    const uses = findTriggers('a Heart and heart-2, <cat-toy> in wide-style; hearts', library, 256);
    expect(uses.map((u) => [u.text, u.start, u.status])).toEqual([
      ['Heart', 2, 'ok'],
      ['heart-2', 12, 'ok'],
      ['<cat-toy>', 21, 'disabled'],
      ['wide-style', 34, 'width'],
    ]);
    expect(statusText(uses[3], 256)).toBe('width 768, but this model needs 256');
    expect(statusText(uses[0], 256)).toBe('2 vectors');
  });

  it('marks a <word> that names no concept, and knows no width before the model is read', () => {
    const uses = findTriggers('<nothing> wide-style', library, null);
    expect(uses.map((u) => [u.text, u.status])).toEqual([
      ['<nothing>', 'unknown'],
      ['wide-style', 'ok'],
    ]);
    expect(statusText(uses[0], null)).toBe('no such concept');
  });
});

describe('autocompletion', () => {
  const library = [concept('heart'), concept('sweetheart'), concept('<heart-style>'), concept('circle')];

  it('takes the word before the caret', () => {
    expect(wordAt('a red hea', 9)).toEqual({ start: 6, prefix: 'hea' });
    expect(wordAt('(a, <hea', 8)).toEqual({ start: 4, prefix: '<hea' });
    expect(wordAt('a red ', 6)).toEqual({ start: 6, prefix: '' });
  });

  it('offers triggers that start with the prefix, then those that contain it, not the word itself', () => {
    expect(completions('hea', library).map((c) => c.trigger)).toEqual(['heart', 'sweetheart', '<heart-style>']);
    expect(completions('<h', library).map((c) => c.trigger)).toEqual(['<heart-style>']);
    expect(completions('heart', library).map((c) => c.trigger)).toEqual(['sweetheart', '<heart-style>']);
    expect(completions('', library)).toEqual([]);
  });

  it('inserts a word with spaces where it touches others', () => {
    expect(insertWord('a red hea', 6, 9, 'heart')).toEqual({ text: 'a red heart ', caret: 12 });
    expect(insertWord('a red, blue', 5, 5, 'heart')).toEqual({ text: 'a red heart, blue', caret: 11 });
    expect(insertWord('', 0, 0, 'heart')).toEqual({ text: 'heart ', caret: 6 });
    expect(insertWord('redblue', 3, 3, 'heart')).toEqual({ text: 'red heart blue', caret: 10 });
  });
});
