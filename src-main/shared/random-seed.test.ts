// Random seeds cover the full 64-bit range, not just the 32 bits torch reads.
import { expect, test } from 'vitest';
import { generationLimits } from './generation-limits';
import { randomSeed } from './random-seed';

test('random seeds are in range and use the high 32 bits too', () => {
  const seeds = Array.from({ length: 2000 }, () => randomSeed());
  for (const seed of seeds) {
    expect(seed >= 0n && seed <= generationLimits.seed.max).toBe(true);
  }
  // With uniform draws, about half have their top bit set and almost none fit in 32 bits.
  const topBitSet = seeds.filter((s) => s >> 63n === 1n).length;
  expect(topBitSet).toBeGreaterThan(850);
  expect(topBitSet).toBeLessThan(1150);
  expect(seeds.filter((s) => s < 2n ** 32n).length).toBeLessThan(5);
  expect(new Set(seeds).size).toBe(seeds.length);
});
