import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { storedCanvasSchema, type StoredCanvas } from '../shared/canvas';
import { StudioError } from '../shared/errors';
import { createCanvasStore } from './canvas-store';

// A 1×1 PNG: the smallest picture a base layer can hold.
const pixelPng = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

const layers = (strokes: number[], image: string | null = 'base-1') => ({
  background: '#ffffff',
  base: { image, origin: 7, visible: true, opacity: 1, fit: 'stretch' as const },
  sketch: { visible: true, opacity: 0.5, strokes },
  mask: { visible: true, inverted: false, strokes: [] },
});

const canvas: StoredCanvas = {
  version: 1,
  width: 512,
  height: 512,
  images: { 'base-1': pixelPng },
  strokes: [{ tool: 'brush', color: '#ff0000', size: 12, hardness: 0.5, opacity: 1, points: [1, 2, 3, 4] }],
  documents: [layers([]), layers([0])],
  past: [0],
  present: 1,
  future: [],
};

let dataDir: string;
beforeEach(() => (dataDir = mkdtempSync(path.join(os.tmpdir(), 'canvas-store-'))));
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('canvas store', () => {
  test('nothing stored: no canvas, nothing set aside', () => {
    expect(createCanvasStore(dataDir).load()).toEqual({ canvas: null });
  });

  test('what is saved comes back the same, in canvas/document.json and nothing else', () => {
    const store = createCanvasStore(dataDir);
    const { bytes } = store.save(canvas);
    expect(bytes).toBe(Buffer.byteLength(JSON.stringify(canvas)));
    expect(readdirSync(path.join(dataDir, 'canvas'))).toEqual(['document.json']);
    expect(createCanvasStore(dataDir).load()).toEqual({ canvas });
  });

  test.each([
    ['not JSON', '{"version": 1, "width"', /not JSON/],
    ['the wrong shape', JSON.stringify({ ...canvas, version: 2 }), /not valid: version/],
    [
      'a missing stroke',
      JSON.stringify({ ...canvas, documents: [layers([5])], past: [], present: 0 }),
      /missing stroke/,
    ],
    ['a missing image', JSON.stringify({ ...canvas, images: {} }), /missing image base-1/],
  ])('a stored canvas with %s is set aside and reported, and the next load starts blank', (_, text, problem) => {
    const dir = path.join(dataDir, 'canvas');
    createCanvasStore(dataDir).save(canvas);
    writeFileSync(path.join(dir, 'document.json'), text);
    const logged: string[] = [];
    const result = createCanvasStore(dataDir, (m) => logged.push(m)).load();
    expect(result.canvas).toBeNull();
    expect(result.setAside?.problem).toMatch(problem);
    expect(result.setAside?.file).toMatch(/^canvas\/document\.unreadable-.*\.json$/);
    expect(readFileSync(path.join(dataDir, result.setAside!.file), 'utf8')).toBe(text);
    expect(logged).toHaveLength(1);
    expect(createCanvasStore(dataDir).load()).toEqual({ canvas: null });
  });

  test('the contract refuses a document with a bad colour, an odd point list or history pointing nowhere', () => {
    const bad = (change: Partial<StoredCanvas>) => storedCanvasSchema.safeParse({ ...canvas, ...change }).success;
    expect(bad({})).toBe(true);
    expect(bad({ strokes: [{ ...canvas.strokes[0], color: 'red' }] })).toBe(false);
    expect(bad({ strokes: [{ ...canvas.strokes[0], points: [1, 2, 3] }] })).toBe(false);
    expect(bad({ future: [9] })).toBe(false);
    expect(bad({ width: 4096 })).toBe(false);
  });

  test('a canvas larger than the limit is refused with a clear error, and the stored one stays', () => {
    const store = createCanvasStore(dataDir);
    store.save(canvas);
    const huge = { ...canvas, images: { 'base-1': 'A'.repeat(41 * 1024 * 1024) } };
    expect(() => store.save(huge)).toThrow(StudioError);
    expect(() => store.save(huge)).toThrow(/more than 41943040/);
    expect(store.load()).toEqual({ canvas });
  });
});
