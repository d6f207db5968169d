// The canvas methods as the transports reach them: validated by the contract, then stored in the data directory,
// and read back by a studio started again on the same directory (a restart).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { dispatch } from '../api/dispatch';
import type { StoredCanvas } from '../shared/canvas';
import { createStudio, type Studio } from '../studio';
import { studioUnderTest, type StudioUnderTest } from '../test-support/studio-under-test';

const pixelPng = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

const canvas: StoredCanvas = {
  version: 1,
  width: 128,
  height: 128,
  images: ['p-1'],
  strokes: [{ tool: 'eraser', color: '#000000', size: 4, hardness: 1, opacity: 1, points: [0, 0, 10, 10] }],
  documents: [
    {
      background: '#ffffff',
      base: { image: 'p-1', origin: null, visible: true, opacity: 0.5, fit: 'crop' },
      sketch: { visible: false, opacity: 1, strokes: [0] },
      mask: { visible: true, inverted: true, strokes: [] },
    },
  ],
  past: [],
  present: 0,
  future: [],
};

let under: StudioUnderTest | null = null;
afterEach(async () => {
  await under?.close();
  under = null;
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: { code: string }) => error.code,
  );

test('canvas.putImage and canvas.save store the canvas; a restarted studio loads it back', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'studio-canvas-'));
  const open = () => createStudio({ dataDir, appVersion: '0.0.0', bundledModelsDir: path.join(dataDir, 'none') });
  const call = async (studio: Studio, method: string, input: unknown) => {
    const outcome = await dispatch(studio.handlers, method, input);
    if (!outcome.ok) throw new Error(outcome.error.message);
    return outcome.result;
  };
  try {
    const first = open();
    await call(first, 'canvas.putImage', { key: 'p-1', pngBase64: pixelPng });
    await call(first, 'canvas.save', canvas);
    await first.close();
    const again = open();
    expect(await call(again, 'canvas.load', {})).toEqual({ canvas, images: { 'p-1': pixelPng } });
    await again.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the contract refuses what the store must never see, with the field named', async () => {
  under = studioUnderTest('canvas-refusals');
  expect(await refusal(under.call('canvas.putImage', { key: '../../x', pngBase64: pixelPng }))).toBe('invalid_input');
  expect(await refusal(under.call('canvas.putImage', { key: 'a', pngBase64: 'R0lGODlh' }))).toBe('invalid_input');
  expect(await refusal(under.call('canvas.save', { ...canvas, present: 3 }))).toBe('invalid_input');
  expect(await refusal(under.call('canvas.save', { ...canvas, extra: 1 }))).toBe('invalid_input');
  // Valid in shape, but its picture was never stored.
  await expect(under.call('canvas.save', canvas)).rejects.toThrow(/pictures not stored yet: p-1/);
  expect(await under.call('canvas.load', {})).toEqual({ canvas: null, images: {} });
});
