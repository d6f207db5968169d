// What a sketch is, as plain immutable data (so undo/redo is a list of documents), in image coordinates: a base
// picture, a sketch layer painted over it (its eraser uncovers the base) and a mask saying what inpainting repaints.
// Pictures are named by key; their pixels live beside the history, once each.
import type { FitMode } from '../../src-main/shared/canvas';
import { imagePoint, type ImagePoint, type ImageSize } from './coordinates';

export type { FitMode } from '../../src-main/shared/canvas';

/** On the sketch layer the brush paints and the eraser uncovers; on the mask, the brush marks and the eraser unmarks. */
export type Tool = 'brush' | 'eraser';
export type PaintLayerId = 'sketch' | 'mask';
export type LayerId = 'base' | PaintLayerId;

export interface Stroke {
  readonly tool: Tool;
  readonly color: string;
  /** Diameter in image pixels. */
  readonly size: number;
  /** 1: a hard edge; 0: the softest. */
  readonly hardness: number;
  readonly opacity: number;
  readonly points: readonly ImagePoint[];
}

export interface BaseLayer {
  readonly image: string | null;
  /** The gallery id the picture came from, the parent of what is generated from the canvas. */
  readonly origin: number | null;
  readonly visible: boolean;
  readonly opacity: number;
  /** How the picture fills a canvas of another shape. */
  readonly fit: FitMode;
}

export interface SketchDocument {
  readonly background: string;
  readonly base: BaseLayer;
  readonly sketch: { readonly visible: boolean; readonly opacity: number; readonly strokes: readonly Stroke[] };
  readonly mask: { readonly visible: boolean; readonly inverted: boolean; readonly strokes: readonly Stroke[] };
}

export const blankDocument = (background: string): SketchDocument => ({
  background,
  base: { image: null, origin: null, visible: true, opacity: 1, fit: 'stretch' },
  sketch: { visible: true, opacity: 1, strokes: [] },
  mask: { visible: true, inverted: false, strokes: [] },
});

export function addStroke(doc: SketchDocument, layer: PaintLayerId, stroke: Stroke): SketchDocument {
  return layer === 'sketch'
    ? { ...doc, sketch: { ...doc.sketch, strokes: [...doc.sketch.strokes, stroke] } }
    : { ...doc, mask: { ...doc.mask, strokes: [...doc.mask.strokes, stroke] } };
}

/** Whether the mask marks anything: generating then inpaints. */
export const hasMask = (doc: SketchDocument): boolean =>
  doc.mask.inverted || doc.mask.strokes.some((s) => s.tool === 'brush');

export const isBlank = (doc: SketchDocument): boolean =>
  doc.base.image === null && doc.sketch.strokes.length === 0 && doc.mask.strokes.length === 0 && !doc.mask.inverted;

/** Where a picture of `source` size goes on a canvas of `target` size. */
export function placement(source: ImageSize, target: ImageSize, fit: FitMode) {
  if (fit === 'stretch') return { x: 0, y: 0, width: target.width, height: target.height };
  const sx = target.width / source.width;
  const sy = target.height / source.height;
  const scale = fit === 'fit' ? Math.min(sx, sy) : Math.max(sx, sy);
  const width = source.width * scale;
  const height = source.height * scale;
  return { x: (target.width - width) / 2, y: (target.height - height) / 2, width, height };
}

/**
 * The document on a canvas of another size: the picture fills it as `fit` says, and the strokes move with it
 * (stretched, or scaled evenly and centred), so that what was painted stays over what it was painted on.
 */
export function resizeDocument(doc: SketchDocument, from: ImageSize, to: ImageSize, fit: FitMode): SketchDocument {
  const box = placement(from, to, fit);
  const sx = box.width / from.width;
  const sy = box.height / from.height;
  const move = (stroke: Stroke): Stroke => ({
    ...stroke,
    size: stroke.size * Math.sqrt(sx * sy),
    points: stroke.points.map((p) => imagePoint(box.x + p.x * sx, box.y + p.y * sy)),
  });
  return {
    ...doc,
    base: { ...doc.base, fit },
    sketch: { ...doc.sketch, strokes: doc.sketch.strokes.map(move) },
    mask: { ...doc.mask, strokes: doc.mask.strokes.map(move) },
  };
}

export interface History<T> {
  readonly past: readonly T[];
  readonly present: T;
  readonly future: readonly T[];
}

/** How many steps back undo reaches. */
export const historyDepth = 100;

export const startHistory = <T>(present: T): History<T> => ({ past: [], present, future: [] });

export function record<T>(history: History<T>, next: T): History<T> {
  return { past: [...history.past, history.present].slice(-historyDepth), present: next, future: [] };
}

export function undo<T>(history: History<T>): History<T> {
  const previous = history.past.at(-1);
  if (previous === undefined) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

export function redo<T>(history: History<T>): History<T> {
  const [next, ...rest] = history.future;
  if (next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future: rest };
}
