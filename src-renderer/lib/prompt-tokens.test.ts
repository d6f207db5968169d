import { expect, test } from 'vitest';
import { estimateTokens, promptTokenBudget } from './prompt-tokens';

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

test('prompt syntax is not counted; escaped brackets are', () => {
  expect(estimateTokens('a (red:1.5) ((circle)) [blue]')).toBe(estimateTokens('a red circle blue'));
  expect(estimateTokens('a \\(red\\)')).toBe(4); // a ( red )
  expect(estimateTokens('a BREAK b')).toBe(2);
  const text = '(<cat-toy>:1.2) on';
  expect(estimateTokens(text, [{ start: 1, end: 10, vectors: 4 }])).toBe(5);
});

test('the counter shows the room of the 75-token chunks: 92/150', () => {
  expect(promptTokenBudget('a red circle')).toEqual({ tokens: 3, room: 75 });
  expect(promptTokenBudget(Array(92).fill('word').join(' '))).toEqual({ tokens: 92, room: 150 });
  expect(promptTokenBudget('a BREAK b BREAK c')).toEqual({ tokens: 3, room: 225 });
  expect(promptTokenBudget('a \\BREAK b').room).toBe(75);
});
