// The history of sketch documents to and from the stored form (src-main/shared/canvas.ts): strokes and pictures are
// written once each however many documents share them, and read back as shared objects again.
import type { StoredCanvas, StoredCanvasDocument, StoredStroke } from '../../src-main/shared/canvas';
import { imagePoint, type ImageSize } from './coordinates';
import type { History, SketchDocument, Stroke } from './sketch-document';

export interface CanvasSnapshot {
  size: ImageSize;
  history: History<SketchDocument>;
  /** Picture key → PNG (base64); only those the history refers to are written. */
  images: ReadonlyMap<string, string> | Iterable<readonly [string, string]>;
}

export function toStored({ size, history, images: pictures }: CanvasSnapshot): StoredCanvas {
  const images = pictures instanceof Map ? pictures : new Map(pictures);
  const strokeIndex = new Map<Stroke, number>();
  const strokes: StoredStroke[] = [];
  const stored: Record<string, string> = {};
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
      const png = images.get(doc.base.image);
      if (png === undefined) throw new Error(`The canvas refers to a picture it does not hold (${doc.base.image})`);
      stored[doc.base.image] = png;
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
    images: stored,
    strokes,
    documents,
    past,
    present,
    future: history.future.map((_, i) => present + 1 + i),
  };
}

export function fromStored(stored: StoredCanvas): CanvasSnapshot & { images: ReadonlyMap<string, string> } {
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
    images: new Map(Object.entries(stored.images)),
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
    const fits = JSON.stringify(stored).length <= maxBytes && Object.keys(stored.images).length <= maxImages;
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
