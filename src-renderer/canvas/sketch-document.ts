// What a sketch is, as plain immutable data (so undo/redo is a list of documents), in image coordinates.
import type { ImagePoint } from './coordinates';

export type Tool = 'brush' | 'eraser';

export interface Stroke {
  readonly tool: Tool;
  readonly color: string;
  /** Brush diameter in image pixels. */
  readonly size: number;
  readonly points: readonly ImagePoint[];
}

export interface SketchDocument {
  readonly background: string;
  /** A picture under the strokes (a result to start from), stretched to the image size. */
  readonly base: HTMLImageElement | null;
  readonly strokes: readonly Stroke[];
}

export const blankDocument = (background: string): SketchDocument => ({ background, base: null, strokes: [] });

export interface History<T> {
  readonly past: readonly T[];
  readonly present: T;
  readonly future: readonly T[];
}

/** How many steps back undo reaches. */
const depth = 100;

export const startHistory = <T>(present: T): History<T> => ({ past: [], present, future: [] });

export function record<T>(history: History<T>, next: T): History<T> {
  return { past: [...history.past, history.present].slice(-depth), present: next, future: [] };
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
