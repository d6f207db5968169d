// The layers painted with the plain 2D canvas API, at image resolution: the stage shows these rasters and the init
// image and mask sent to the engine are made from them, so what is seen is what is generated from.
import type { ImageSize } from './coordinates';
import { placement, type SketchDocument, type Stroke } from './sketch-document';

/** The mask's colour on screen (translucent over the picture); exported masks are white on black. */
export const maskTint = '#ff2f6d';

export type Surface = CanvasRenderingContext2D;

export function surface(size: ImageSize): { canvas: HTMLCanvasElement; context: Surface } {
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext('2d', { willReadFrequently: false });
  if (!context) throw new Error('This browser cannot draw on a canvas');
  return { canvas, context };
}

/**
 * One stroke as a single path, so its opacity holds over its own overlaps. A soft edge is the path narrowed and
 * blurred; `erases` makes the stroke remove what lies under it (the sketch eraser, or mask strokes that unmark).
 */
export function paintStroke(context: Surface, stroke: Stroke, color: string, erases: boolean): void {
  const [first, ...rest] = stroke.points;
  if (!first) return;
  context.save();
  context.globalCompositeOperation = erases ? 'destination-out' : 'source-over';
  context.globalAlpha = stroke.opacity;
  context.strokeStyle = color;
  context.lineCap = 'round';
  context.lineJoin = 'round';
  const softness = 1 - stroke.hardness;
  context.lineWidth = stroke.size * (1 - softness / 2);
  // Canvas filters are measured in the canvas's own pixels, whatever its transform.
  const blur = (stroke.size * softness) / 6;
  if (blur > 0.05) context.filter = `blur(${blur}px)`;
  context.beginPath();
  context.moveTo(first.x, first.y);
  // A click is a dot: a zero-length path with round caps.
  for (const p of rest.length > 0 ? rest : [first]) context.lineTo(p.x, p.y);
  context.stroke();
  context.restore();
}

/** The sketch layer's strokes; its eraser makes holes through which the base shows. */
export function paintSketch(context: Surface, strokes: readonly Stroke[]): void {
  for (const s of strokes) paintStroke(context, s, s.color, s.tool === 'eraser');
}

/** The mask in one colour: marked where a brush went (everywhere first, when inverted), unmarked where an eraser did. */
export function paintMask(context: Surface, mask: SketchDocument['mask'], size: ImageSize, color: string): void {
  if (mask.inverted) {
    context.fillStyle = color;
    context.fillRect(0, 0, size.width, size.height);
  }
  // Inverted, every stroke does the opposite: a brush stroke now keeps what it covers.
  for (const s of mask.strokes) paintStroke(context, s, color, (s.tool === 'eraser') !== mask.inverted);
}

export function paintBase(context: Surface, doc: SketchDocument, picture: CanvasImageSource | null, size: ImageSize) {
  context.fillStyle = doc.background;
  context.fillRect(0, 0, size.width, size.height);
  if (!picture || !doc.base.visible || !isSized(picture)) return;
  const box = placement({ width: picture.width, height: picture.height }, size, doc.base.fit);
  context.save();
  context.globalAlpha = doc.base.opacity;
  context.drawImage(picture, box.x, box.y, box.width, box.height);
  context.restore();
}

/** The init image: the visible layers flattened, at exactly the canvas size. */
export function flatten(doc: SketchDocument, picture: CanvasImageSource | null, size: ImageSize): HTMLCanvasElement {
  const out = surface(size);
  paintBase(out.context, doc, picture, size);
  if (doc.sketch.visible && doc.sketch.strokes.length > 0) {
    const sketch = surface(size);
    paintSketch(sketch.context, doc.sketch.strokes);
    out.context.globalAlpha = doc.sketch.opacity;
    out.context.drawImage(sketch.canvas, 0, 0);
  }
  return out.canvas;
}

/** The inpainting mask: white where the model repaints, black where the picture stays. */
export function maskImage(doc: SketchDocument, size: ImageSize): HTMLCanvasElement {
  const marks = surface(size);
  paintMask(marks.context, doc.mask, size, '#ffffff');
  const out = surface(size);
  out.context.fillStyle = '#000000';
  out.context.fillRect(0, 0, size.width, size.height);
  out.context.drawImage(marks.canvas, 0, 0);
  return out.canvas;
}

export function pngBase64(canvas: HTMLCanvasElement): string {
  const url = canvas.toDataURL('image/png');
  return url.slice(url.indexOf(',') + 1);
}

function isSized(source: CanvasImageSource): source is CanvasImageSource & { width: number; height: number } {
  const s = source as { width?: unknown };
  return typeof s.width === 'number' && s.width > 0;
}
