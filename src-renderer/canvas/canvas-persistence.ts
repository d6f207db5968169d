// The history of sketch documents to and from the stored form (src-main/shared/canvas.ts): strokes are written once
// each however many documents share them, and read back as shared objects again; pictures are named by key (their
// PNGs are stored apart, once each).
import type { StoredCanvas, StoredCanvasDocument, StoredStroke } from '../../src-main/shared/canvas';
import { imagePoint, type ImageSize } from './coordinates';
import type { History, SketchDocument, Stroke } from './sketch-document';

export interface CanvasSnapshot {
  size: ImageSize;
  history: History<SketchDocument>;
  /** Whether the canvas holds the picture of this key. */
  hasImage(key: string): boolean;
}

export function toStored({ size, history, hasImage }: CanvasSnapshot): StoredCanvas {
  const strokeIndex = new Map<Stroke, number>();
  const strokes: StoredStroke[] = [];
  const images = new Set<string>();
  const strokeRef = (stroke: Stroke): number => {
    let at = strokeIndex.get(stroke);
    if (at === undefined) {
      at = strokes.push(storedStroke(stroke)) - 1;
      strokeIndex.set(stroke, at);
    }
    return at;
  };
  const documentOf = (doc: SketchDocument): StoredCanvasDocument => {
    if (doc.base.image !== null) {
      if (!hasImage(doc.base.image))
        throw new Error(`The canvas refers to a picture it does not hold (${doc.base.image})`);
      images.add(doc.base.image);
    }
    return {
      background: doc.background,
      base: { ...doc.base },
      sketch: { ...doc.sketch, strokes: doc.sketch.strokes.map(strokeRef) },
      mask: { ...doc.mask, strokes: doc.mask.strokes.map(strokeRef) },
    };
  };
  const all = [...history.past, history.present, ...history.future];
  const documents = all.map(documentOf);
  const past = history.past.map((_, i) => i);
  const present = history.past.length;
  return {
    version: 1,
    width: size.width,
    height: size.height,
    images: [...images],
    strokes,
    documents,
    past,
    present,
    future: history.future.map((_, i) => present + 1 + i),
  };
}

export function fromStored(stored: StoredCanvas): Omit<CanvasSnapshot, 'hasImage'> {
  const strokes = stored.strokes.map(memoryStroke);
  const documents = stored.documents.map((doc): SketchDocument => ({
    background: doc.background,
    base: { ...doc.base },
    sketch: { ...doc.sketch, strokes: doc.sketch.strokes.map((i) => strokes[i]) },
    mask: { ...doc.mask, strokes: doc.mask.strokes.map((i) => strokes[i]) },
  }));
  return {
    size: { width: stored.width, height: stored.height },
    history: {
      past: stored.past.map((i) => documents[i]),
      present: documents[stored.present],
      future: stored.future.map((i) => documents[i]),
    },
  };
}

/**
 * The oldest steps go first when the canvas would not fit `maxBytes` or `maxImages` stored (pictures are large).
 * The undone steps (redo) and the present always stay.
 */
export function storedWithin(snapshot: CanvasSnapshot, maxBytes: number, maxImages = Infinity): StoredCanvas {
  let history = snapshot.history;
  for (;;) {
    const stored = toStored({ ...snapshot, history });
    const fits = JSON.stringify(stored).length <= maxBytes && stored.images.length <= maxImages;
    if (history.past.length === 0 || fits) return stored;
    history = { ...history, past: history.past.slice(Math.ceil(history.past.length / 4)) };
  }
}

// Two decimals of a pixel are far below what a brush can show, and keep the file small.
const round = (value: number) => Math.round(value * 100) / 100;

function storedStroke(stroke: Stroke): StoredStroke {
  const { points, ...rest } = stroke;
  return { ...rest, points: points.flatMap((p) => [round(p.x), round(p.y)]) };
}

function memoryStroke(stroke: StoredStroke): Stroke {
  const points = [];
  for (let i = 0; i < stroke.points.length; i += 2) points.push(imagePoint(stroke.points[i], stroke.points[i + 1]));
  return { ...stroke, points };
}
