// CLI options are refused by the contract's schema in the CLI's words: exit-2 messages that name the option.
import { expect, test } from 'vitest';
import { generateRequestSchema } from '../shared/generation';
import { UsageError } from './args';
import { checkWithContract } from './contract-options';

function refusal(input: Record<string, unknown>): string {
  try {
    checkWithContract(
      generateRequestSchema,
      { prompt: 'a', ...input },
      { initImage: 'option --init-image', negative: 'NEGATIVE' },
    );
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
}

test('the contract decides, the message names the option', () => {
  expect(refusal({})).toBe('accepted');
  expect(refusal({ prompt: 'x'.repeat(20_001) })).toBe('option --prompt must be at most 20000 characters');
  expect(refusal({ batch: 17 })).toBe('option --batch must be between 1 and 16 images per job');
  expect(refusal({ previewEvery: -1 })).toMatch(/^option --preview-every /);
  expect(refusal({ initImage: {} })).toMatch(/^option --init-image /);
  expect(refusal({ negative: 'x'.repeat(20_001) })).toMatch(/^NEGATIVE must be at most 20000 characters/);
});
