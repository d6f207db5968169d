import { expect, test } from 'vitest';
import { estimateTokens } from './prompt-tokens';

test('words and symbols count one each; long words more', () => {
  expect(estimateTokens('')).toBe(0);
  expect(estimateTokens('a red circle, blue')).toBe(5);
  expect(estimateTokens('photorealistic')).toBe(3);
});

test("a concept's trigger counts its vectors, whatever its spelling", () => {
  const text = 'a <cat-toy> on a heart';
  expect(estimateTokens(text)).toBe(9);
  const spans = [
    { start: 2, end: 11, vectors: 4 },
    { start: 17, end: 22, vectors: 1 },
  ];
  expect(estimateTokens(text, spans)).toBe(2 + 4 + 1 + 1);
});
