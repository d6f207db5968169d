import { describe, expect, test } from 'vitest';
import { clampDivider, dividerKeyStep, nextZoom } from './compare-view';

describe('the A/B divider', () => {
  test('stays within the frame', () => {
    expect([clampDivider(-5), clampDivider(42.5), clampDivider(130)]).toEqual([0, 42.5, 100]);
  });
  test('moves by the keys of a slider', () => {
    expect(dividerKeyStep('ArrowRight', false)).toBe(1);
    expect(dividerKeyStep('ArrowLeft', true)).toBe(-10);
    expect(dividerKeyStep('ArrowUp', false)).toBe(1);
    expect(dividerKeyStep('PageDown', false)).toBe(-10);
    expect(dividerKeyStep('Home', false)).toBe('start');
    expect(dividerKeyStep('End', false)).toBe('end');
    expect(dividerKeyStep('a', false)).toBeNull();
  });
});

test('zoom steps in and out and stops at either end', () => {
  expect(nextZoom(1, 1)).toBe(1.5);
  expect(nextZoom(1.5, -1)).toBe(1);
  expect(nextZoom(1, -1)).toBe(1);
  expect(nextZoom(16, 1)).toBe(16);
});
