import { expect, test } from 'vitest';
import { fitScale, screenPoint, toImagePoint } from './coordinates';

test('a screen point maps to image pixels through the view scale', () => {
  expect(toImagePoint(screenPoint(300, 150), 2.5)).toEqual({ x: 120, y: 60 });
});

test('the image fits the tighter side of the room, and a hidden room keeps scale 1', () => {
  expect(fitScale({ width: 128, height: 64 }, { width: 512, height: 512 })).toBe(4);
  expect(fitScale({ width: 512, height: 768 }, { width: 600, height: 384 })).toBe(0.5);
  expect(fitScale({ width: 512, height: 512 }, { width: 0, height: 0 })).toBe(1);
});
