import { describe, expect, test } from 'vitest';
import { storedCanvasSchema } from '../../src-main/shared/canvas';
import { fromStored, storedWithin, toStored } from './canvas-persistence';
import { imagePoint } from './coordinates';
import {
  addStroke,
  blankDocument,
  hasMask,
  placement,
  record,
  redo,
  resizeDocument,
  startHistory,
  undo,
  type History,
  type SketchDocument,
  type Stroke,
} from './sketch-document';

const stroke = (tool: Stroke['tool'], x = 10): Stroke => ({
  tool,
  color: '#ff0000',
  size: 8,
  hardness: 0.5,
  opacity: 0.75,
  points: [imagePoint(x, 10), imagePoint(x + 20, 30.123456)],
});

describe('sketch history', () => {
  test('undo and redo walk back and forth; a new change drops what was undone', () => {
    let h = record(record(startHistory('a'), 'b'), 'c');
    h = undo(undo(h));
    expect(h.present).toBe('a');
    h = redo(h);
    expect(h.present).toBe('b');
    h = record(h, 'd');
    expect([h.past, h.present, h.future]).toEqual([['a', 'b'], 'd', []]);
  });

  test('undo with nothing to undo, or redo with nothing to redo, changes nothing', () => {
    const h = startHistory('a');
    expect(undo(h)).toBe(h);
    expect(redo(h)).toBe(h);
  });

  test('keeps the last 100 steps', () => {
    let h = startHistory(0);
    for (let i = 1; i <= 150; i++) h = record(h, i);
    expect(h.past.length).toBe(100);
    expect(h.past[0]).toBe(50);
  });
});

describe('layers', () => {
  test('strokes go to the layer named; the mask counts only when it marks something', () => {
    let doc = blankDocument('#ffffff');
    expect(hasMask(doc)).toBe(false);
    doc = addStroke(doc, 'sketch', stroke('brush'));
    expect([doc.sketch.strokes.length, doc.mask.strokes.length]).toEqual([1, 0]);
    doc = addStroke(doc, 'mask', stroke('eraser'));
    expect(hasMask(doc)).toBe(false);
    expect(hasMask({ ...doc, mask: { ...doc.mask, inverted: true } })).toBe(true);
    expect(hasMask(addStroke(doc, 'mask', stroke('brush')))).toBe(true);
  });

  test('a picture is stretched, fitted inside or cropped to fill another shape', () => {
    const from = { width: 200, height: 100 };
    const to = { width: 100, height: 100 };
    expect(placement(from, to, 'stretch')).toEqual({ x: 0, y: 0, width: 100, height: 100 });
    expect(placement(from, to, 'fit')).toEqual({ x: 0, y: 25, width: 100, height: 50 });
    expect(placement(from, to, 'crop')).toEqual({ x: -50, y: 0, width: 200, height: 100 });
  });

  test('resizing moves the strokes with the picture', () => {
    const doc = addStroke(blankDocument('#ffffff'), 'mask', stroke('brush', 0));
    const fitted = resizeDocument(doc, { width: 200, height: 100 }, { width: 100, height: 100 }, 'fit');
    expect(fitted.base.fit).toBe('fit');
    expect(fitted.mask.strokes[0].points[0]).toEqual({ x: 0, y: 25 + 5 });
    expect(fitted.mask.strokes[0].size).toBe(4);
    const stretched = resizeDocument(doc, { width: 200, height: 100 }, { width: 100, height: 100 }, 'stretch');
    expect(stretched.mask.strokes[0].points[1]).toMatchObject({ x: 10 });
  });
});

describe('stored form', () => {
  function history(): History<SketchDocument> {
    let doc: SketchDocument = { ...blankDocument('#ffffff'), base: { ...blankDocument('#fff').base, image: 'a1' } };
    let h = startHistory(doc);
    for (let i = 0; i < 60; i++) {
      doc = addStroke(doc, i % 3 === 0 ? 'mask' : 'sketch', stroke(i % 2 ? 'eraser' : 'brush', i));
      h = record(h, doc);
    }
    h = record(h, { ...h.present, sketch: { ...h.present.sketch, opacity: 0.4, visible: false } });
    return undo(undo(h));
  }

  test('a history of 60 steps comes back whole, each stroke written once, and passes the contract', () => {
    const h = history();
    const stored = toStored({ size: { width: 512, height: 384 }, history: h, hasImage: (key) => key === 'a1' });
    expect(stored.strokes).toHaveLength(60);
    expect(stored.documents).toHaveLength(62);
    expect(storedCanvasSchema.safeParse(stored).success).toBe(true);
    const back = fromStored(JSON.parse(JSON.stringify(stored)));
    expect(back.size).toEqual({ width: 512, height: 384 });
    expect(back.history.past).toHaveLength(h.past.length);
    expect(back.history.future).toHaveLength(2);
    expect(stored.images).toEqual(['a1']);
    expect(redo(redo(back.history)).present.sketch).toMatchObject({ opacity: 0.4, visible: false });
    expect(back.history.present.mask.strokes[0].points[1]).toEqual({ x: 20, y: 30.12 });
    // Shared strokes stay shared: the document before holds the same objects.
    expect(back.history.present.sketch.strokes[0]).toBe(back.history.past.at(-1)!.sketch.strokes[0]);
  });

  test('a canvas over the byte budget gives up its oldest steps, never its present', () => {
    const h = history();
    const snapshot = { size: { width: 512, height: 512 }, history: h, hasImage: () => true };
    const full = JSON.stringify(toStored(snapshot)).length;
    const trimmed = storedWithin(snapshot, full - 1);
    expect(trimmed.past.length).toBeLessThan(h.past.length);
    expect(trimmed.past.length).toBeGreaterThan(0);
    expect(fromStored(trimmed).history.present).toEqual(fromStored(toStored(snapshot)).history.present);
  });

  test('a picture the history names but the canvas lacks is an error, not a silent gap', () => {
    expect(() => toStored({ size: { width: 64, height: 64 }, history: history(), hasImage: () => false })).toThrow(
      /a1/,
    );
  });
});
