import { expect, test } from 'vitest';
import { centredView, fitScale, imagePoint, screenPoint, toImagePoint, toScreenPoint, zoomAround } from './coordinates';

test('a screen point maps to image pixels through the view scale and offset, and back', () => {
  const view = { scale: 2.5, x: 10, y: 20 };
  expect(toImagePoint(screenPoint(310, 170), view)).toEqual({ x: 120, y: 60 });
  expect(toScreenPoint(imagePoint(120, 60), view)).toEqual({ x: 310, y: 170 });
});

test('the image fits the tighter side of the room, and a hidden room keeps scale 1', () => {
  expect(fitScale({ width: 128, height: 64 }, { width: 512, height: 512 })).toBe(4);
  expect(fitScale({ width: 512, height: 768 }, { width: 600, height: 384 })).toBe(0.5);
  expect(fitScale({ width: 512, height: 512 }, { width: 0, height: 0 })).toBe(1);
});

test('a centred view leaves equal margins; zooming keeps the point under the pointer still', () => {
  const view = centredView({ width: 100, height: 50 }, { width: 300, height: 300 });
  expect(view).toEqual({ scale: 3, x: 0, y: 75 });
  const anchor = screenPoint(150, 100);
  const before = toImagePoint(anchor, view);
  const zoomed = zoomAround(view, anchor, 2);
  expect(zoomed.scale).toBe(6);
  expect(toImagePoint(anchor, zoomed)).toEqual(before);
});
