import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { canvasImageSchema, storedCanvasSchema, type StoredCanvas } from '../shared/canvas';
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
  images: ['base-1'],
  strokes: [{ tool: 'brush', color: '#ff0000', size: 12, hardness: 0.5, opacity: 1, points: [1, 2, 3, 4] }],
  documents: [layers([]), layers([0])],
  past: [0],
  present: 1,
  future: [],
};

let dataDir: string;
beforeEach(() => (dataDir = mkdtempSync(path.join(os.tmpdir(), 'canvas-store-'))));
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

function stored() {
  const store = createCanvasStore(dataDir);
  store.putImage('base-1', pixelPng);
  store.save(canvas);
  return store;
}

describe('canvas store', () => {
  test('nothing stored: no canvas, nothing set aside', () => {
    expect(createCanvasStore(dataDir).load()).toEqual({ canvas: null, images: {} });
  });

  test('what is saved comes back the same: the document and its pictures as PNG files', () => {
    stored();
    expect(readdirSync(path.join(dataDir, 'canvas')).sort()).toEqual(['document.json', 'pictures']);
    expect(readdirSync(path.join(dataDir, 'canvas', 'pictures'))).toEqual(['base-1.png']);
    expect(createCanvasStore(dataDir).load()).toEqual({ canvas, images: { 'base-1': pixelPng } });
  });

  test('a document naming a picture not stored is refused; pictures no longer named are deleted', () => {
    const store = createCanvasStore(dataDir);
    expect(() => store.save(canvas)).toThrow(/pictures not stored yet: base-1/);
    store.putImage('base-1', pixelPng);
    store.putImage('old', pixelPng);
    store.save(canvas);
    expect(readdirSync(path.join(dataDir, 'canvas', 'pictures'))).toEqual(['base-1.png']);
    store.save({ ...canvas, images: [], documents: [layers([], null)], past: [], present: 0 });
    expect(readdirSync(path.join(dataDir, 'canvas', 'pictures'))).toEqual([]);
  });

  test.each([
    ['not JSON', () => '{"version": 1, "width"', /not JSON/],
    ['the wrong shape', () => JSON.stringify({ ...canvas, version: 2 }), /not valid: version/],
    [
      'a missing stroke',
      () => JSON.stringify({ ...canvas, documents: [layers([5])], past: [], present: 0 }),
      /missing stroke/,
    ],
    ['an unnamed picture', () => JSON.stringify({ ...canvas, images: [] }), /missing image base-1/],
    [
      'a picture file gone',
      () => (rmSync(path.join(dataDir, 'canvas', 'pictures', 'base-1.png')), JSON.stringify(canvas)),
      /picture base-1\.png is missing/,
    ],
    [
      'a picture that is not a PNG',
      () => (writeFileSync(path.join(dataDir, 'canvas', 'pictures', 'base-1.png'), 'GIF89a'), JSON.stringify(canvas)),
      /picture base-1\.png is not a PNG/,
    ],
  ])('a stored canvas with %s is set aside and reported, and the next load starts blank', (_, damage, problem) => {
    stored();
    const text = damage();
    writeFileSync(path.join(dataDir, 'canvas', 'document.json'), text);
    const logged: string[] = [];
    const result = createCanvasStore(dataDir, (m) => logged.push(m)).load();
    expect(result.canvas).toBeNull();
    expect(result.setAside?.problem).toMatch(problem);
    expect(result.setAside?.file).toMatch(/^canvas\/document\.unreadable-.*\.json$/);
    expect(readFileSync(path.join(dataDir, result.setAside!.file), 'utf8')).toBe(text);
    expect(logged).toHaveLength(1);
    expect(existsSync(path.join(dataDir, 'canvas', 'document.json'))).toBe(false);
    expect(createCanvasStore(dataDir).load()).toEqual({ canvas: null, images: {} });
  });

  test('the contract refuses a bad colour, an odd point list, history pointing nowhere, a picture not a PNG', () => {
    const valid = (change: Partial<StoredCanvas>) => storedCanvasSchema.safeParse({ ...canvas, ...change }).success;
    expect(valid({})).toBe(true);
    expect(valid({ strokes: [{ ...canvas.strokes[0], color: 'red' }] })).toBe(false);
    expect(valid({ strokes: [{ ...canvas.strokes[0], points: [1, 2, 3] }] })).toBe(false);
    expect(valid({ future: [9] })).toBe(false);
    expect(valid({ width: 4096 })).toBe(false);
    expect(canvasImageSchema.safeParse({ key: 'a', pngBase64: pixelPng }).success).toBe(true);
    expect(canvasImageSchema.safeParse({ key: 'a', pngBase64: '/9j/4AAQSkZJRg==' }).success).toBe(false);
    expect(canvasImageSchema.safeParse({ key: '../a', pngBase64: pixelPng }).success).toBe(false);
  });

  test('a document larger than the limit is refused with a clear error, and the stored one stays', () => {
    const store = stored();
    const huge = { ...canvas, documents: Array.from({ length: 200 }, () => layers(Array(50_000).fill(0))) };
    expect(() => store.save(huge)).toThrow(StudioError);
    expect(() => store.save(huge)).toThrow(/more than 16777216/);
    expect(store.load()).toEqual({ canvas, images: { 'base-1': pixelPng } });
  });
});
