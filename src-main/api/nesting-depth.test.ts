import { expect, it } from 'vitest';
import { nestsDeeperThan } from './nesting-depth';

function nestedArrays(depth: number): unknown {
  return JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;
}

it('counts each array or object level, scalars add none', () => {
  expect(nestsDeeperThan(7, 0)).toBe(false);
  expect(nestsDeeperThan({}, 0)).toBe(true);
  expect(nestsDeeperThan({ a: [1, { b: 'x' }] }, 3)).toBe(false);
  expect(nestsDeeperThan({ a: [1, { b: 'x' }] }, 2)).toBe(true);
  expect(nestsDeeperThan(nestedArrays(64), 64)).toBe(false);
  expect(nestsDeeperThan(nestedArrays(65), 64)).toBe(true);
});

it('measures a million levels without overflowing the stack', () => {
  expect(nestsDeeperThan(nestedArrays(1_000_000), 64)).toBe(true);
});

it('finds a deep branch beside shallow ones', () => {
  expect(nestsDeeperThan({ shallow: [1, 2], deep: { x: nestedArrays(100) } }, 64)).toBe(true);
});
