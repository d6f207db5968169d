import { expect, test } from 'vitest';
import { estimateTokens } from './prompt-tokens';

test('words and symbols count one each; long words more', () => {
  expect(estimateTokens('')).toBe(0);
  expect(estimateTokens('a red circle, blue')).toBe(5);
  expect(estimateTokens('photorealistic')).toBe(3);
});
