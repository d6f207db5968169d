// The contract refuses what the limits refuse, with a message that says the bound (issue 9's resource limits).
import { describe, expect, test } from 'vitest';
import { generateRequestSchema } from './generation';
import { generationLimits } from './generation-limits';

function problem(input: Record<string, unknown>): string {
  const result = generateRequestSchema.safeParse({ prompt: 'a', ...input });
  if (result.success) return 'accepted';
  const [issue] = result.error.issues;
  return `${issue.path.join('.')}: ${issue.message}`;
}

describe('generation limits in the contract', () => {
  test('prompt length is bounded, with a clear message', () => {
    const max = generationLimits.promptLength.max;
    expect(problem({ prompt: 'a'.repeat(max) })).toBe('accepted');
    expect(problem({ prompt: 'a'.repeat(max + 1) })).toBe('prompt: must be at most 20000 characters');
    expect(problem({ negative: 'a'.repeat(max + 1) })).toMatch(/^negative: must be at most 20000 characters/);
  });

  test('batch size is bounded, with a clear message', () => {
    expect(problem({ batch: 16 })).toBe('accepted');
    expect(problem({ batch: 17 })).toBe('batch: must be between 1 and 16 images per job');
    expect(problem({ batch: 0 })).toBe('batch: must be between 1 and 16');
  });

  test('the other bounds', () => {
    expect(problem({ steps: 151 })).toBe('steps: must be between 1 and 150');
    expect(problem({ guidance: 50.5 })).toBe('guidance: must be at least 0 and at most 50');
    expect(problem({ width: 2056 })).toBe('width: must be at most 2048');
    expect(problem({ width: 100 })).toBe('width: must be a multiple of 8');
    expect(problem({ strength: 0 })).toBe('strength: must be above 0 and at most 1');
    expect(problem({ seed: '18446744073709551615' })).toBe('accepted');
    expect(problem({ seed: '18446744073709551616' })).toBe('seed: must be at most 2^64 - 1');
  });
});
