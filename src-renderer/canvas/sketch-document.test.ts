import { describe, expect, test } from 'vitest';
import { record, redo, startHistory, undo } from './sketch-document';

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
