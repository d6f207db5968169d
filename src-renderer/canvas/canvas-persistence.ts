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
    // Measured exactly only when a generous estimate comes near the bound: a save after every stroke stays cheap.
    const fits =
      stored.images.length <= maxImages &&
      (estimatedBytes(stored) <= maxBytes / 2 || JSON.stringify(stored).length <= maxBytes);
    if (history.past.length === 0 || fits) return stored;
    history = { ...history, past: history.past.slice(Math.ceil(history.past.length / 4)) };
  }
}

/** At most 12 characters per coordinate (two decimals, up to ±1e6) and 400 per stroke or document besides. */
function estimatedBytes(stored: StoredCanvas): number {
  let coordinates = 0;
  for (const stroke of stored.strokes) coordinates += stroke.points.length;
  let references = 0;
  for (const doc of stored.documents) references += doc.sketch.strokes.length + doc.mask.strokes.length;
  return coordinates * 12 + references * 8 + (stored.strokes.length + stored.documents.length) * 400;
}

// Two decimals of a pixel are far below what a brush can show, and keep the file small.
const round = (value: number) => Math.round(value * 100) / 100;

// Strokes never change once made: each is converted once however many saves write it.
const converted = new WeakMap<Stroke, StoredStroke>();

function storedStroke(stroke: Stroke): StoredStroke {
  let stored = converted.get(stroke);
  if (!stored) {
    const { points, ...rest } = stroke;
    stored = { ...rest, points: points.flatMap((p) => [round(p.x), round(p.y)]) };
    converted.set(stroke, stored);
  }
  return stored;
}

function memoryStroke(stroke: StoredStroke): Stroke {
  const points = [];
  for (let i = 0; i < stroke.points.length; i += 2) points.push(imagePoint(stroke.points[i], stroke.points[i + 1]));
  return { ...stroke, points };
}
