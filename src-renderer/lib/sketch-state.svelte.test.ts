// The sketch state's history over every kind of change, its resize question, and its round trip through the
// contract's canvas.save / canvas.load (a transport that keeps what was saved, as the data directory would).
import { expect, test } from 'vitest';
import type { CanvasLoadResult, StoredCanvas } from '../../src-main/shared/canvas';
import { storedCanvasSchema } from '../../src-main/shared/canvas';
import { imagePoint } from '../canvas/coordinates';
import type { Stroke } from '../canvas/sketch-document';
import { SketchState } from './sketch-state.svelte';
import type { StudioState } from './studio-state.svelte';

function studio(stored: CanvasLoadResult = { canvas: null, images: {} }) {
  const notices: string[] = [];
  const saved: StoredCanvas[] = [];
  const fake = {
    api: {
      async call(method: string, input: unknown) {
        if (method === 'canvas.load') return stored;
        if (method === 'canvas.putImage') return { bytes: 1 };
        if (method === 'canvas.save') {
          // The main process refuses what the contract refuses.
          saved.push(storedCanvasSchema.parse(input));
          return { bytes: JSON.stringify(input).length };
        }
        throw new Error(`unexpected ${method}`);
      },
    },
    notify: (notice: { message: string }) => notices.push(notice.message),
  } as unknown as StudioState;
  return { fake, notices, saved };
}

const stroke = (tool: Stroke['tool']): Stroke => ({
  tool,
  color: '#e53935',
  size: 10,
  hardness: 1,
  opacity: 1,
  points: [imagePoint(10, 10), imagePoint(60, 40)],
});

test('every change is a step: strokes, fill, visibility, opacity and the mask undo one by one', async () => {
  const { fake } = studio();
  const sketch = new SketchState(fake);
  await sketch.load();
  sketch.addStroke('sketch', stroke('brush'));
  sketch.addStroke('mask', stroke('brush'));
  sketch.fill();
  sketch.setVisible('sketch', false);
  sketch.setOpacity('base', 0.5);
  sketch.invertMask();
  expect(sketch.hasMask).toBe(true);
  expect(sketch.recentColors).toEqual(['#e53935']);
  const undone: unknown[] = [];
  while (sketch.canUndo) {
    sketch.undo();
    undone.push(sketch.document);
  }
  expect(undone).toHaveLength(6);
  expect(sketch.isBlank).toBe(true);
  for (let i = 0; i < 6; i++) sketch.redo();
  expect(sketch.document.mask.inverted).toBe(true);
  expect(sketch.document.base.opacity).toBe(0.5);
  expect(sketch.document.sketch.visible).toBe(false);
  sketch.clearMask();
  expect(sketch.hasMask).toBe(false);
});

test('a blank canvas follows the generation size; one with content asks, then moves its strokes', async () => {
  const { fake } = studio();
  const sketch = new SketchState(fake);
  await sketch.load();
  sketch.resizeTo({ width: 256, height: 256 });
  expect(sketch.canvasSize).toEqual({ width: 256, height: 256 });
  sketch.addStroke('sketch', stroke('brush'));
  sketch.resizeTo({ width: 512, height: 256 });
  expect(sketch.pendingResize).toEqual({ width: 512, height: 256 });
  expect(sketch.canvasSize).toEqual({ width: 256, height: 256 });
  sketch.fitTo('fit');
  expect(sketch.pendingResize).toBeNull();
  expect(sketch.canvasSize).toEqual({ width: 512, height: 256 });
  expect(sketch.document.sketch.strokes[0].points[0]).toEqual({ x: 128 + 10, y: 10 });
  expect(sketch.document.base.fit).toBe('fit');
});

test('the canvas is saved after a pause in editing and comes back whole, history included', async () => {
  const first = studio();
  const sketch = new SketchState(first.fake);
  await sketch.load();
  for (let i = 0; i < 55; i++) sketch.addStroke(i % 2 ? 'mask' : 'sketch', stroke(i % 3 ? 'brush' : 'eraser'));
  sketch.undo();
  expect(sketch.saveState).toBe('unsaved');
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(sketch.saveState).toBe('saved');
  const stored = first.saved.at(-1)!;
  expect(stored.past).toHaveLength(54);
  expect(stored.future).toHaveLength(1);

  const second = studio({ canvas: stored, images: {} });
  const restored = new SketchState(second.fake);
  await restored.load();
  expect(restored.history.past).toHaveLength(54);
  expect(restored.document).toEqual(sketch.document);
  restored.redo();
  expect(restored.document.sketch.strokes.length + restored.document.mask.strokes.length).toBe(55);
});

test('a stored canvas that was set aside is reported, and the canvas starts blank', async () => {
  const { fake, notices } = studio({
    canvas: null,
    images: {},
    setAside: { file: 'canvas/document.unreadable-x.json', problem: 'the stored canvas is not JSON' },
  });
  const sketch = new SketchState(fake);
  await sketch.load();
  expect(sketch.isBlank).toBe(true);
  expect(notices).toEqual([
    'The saved sketch could not be read (the stored canvas is not JSON); it was moved to canvas/document.unreadable-x.json',
  ]);
});

test('a canvas that could not be loaded is never overwritten by the blank one shown instead', async () => {
  const { fake, notices, saved } = studio();
  const failing = {
    ...fake,
    api: {
      call: async (method: string, input: unknown) =>
        method === 'canvas.load'
          ? Promise.reject(new Error('connection lost'))
          : fake.api.call(method as never, input as never),
    },
  } as unknown as StudioState;
  const sketch = new SketchState(failing);
  await sketch.load();
  expect(notices[0]).toMatch(/Could not read the saved sketch \(connection lost\); changes are not saved/);
  sketch.addStroke('sketch', stroke('brush'));
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(saved).toHaveLength(0);
  expect(sketch.saveState).toBe('failed');
});

test('steps taken while a save is on its way are all kept, in memory and in the next save', async () => {
  const { fake, saved } = studio();
  // The first save waits at the main process until released; later ones go straight through.
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  let arrived: () => void = () => {};
  const reached = new Promise<void>((resolve) => (arrived = resolve));
  let saves = 0;
  const slow = {
    ...fake,
    api: {
      call: async (method: string, input: unknown) => {
        if (method === 'canvas.save' && saves++ === 0) {
          arrived();
          await gate;
        }
        return fake.api.call(method as never, input as never);
      },
    },
  } as unknown as StudioState;
  const sketch = new SketchState(slow);
  await sketch.load();
  sketch.addStroke('sketch', stroke('brush'));
  const first = sketch.save();
  await reached;
  sketch.addStroke('sketch', stroke('eraser'));
  sketch.addStroke('mask', stroke('brush'));
  release();
  await first;
  expect(sketch.history.past).toHaveLength(3);
  await sketch.save();
  expect(saved.at(-1)!.past).toHaveLength(3);
  let undone = 0;
  for (; sketch.canUndo; undone++) sketch.undo();
  expect(undone).toBe(3);
  expect(sketch.isBlank).toBe(true);
});
