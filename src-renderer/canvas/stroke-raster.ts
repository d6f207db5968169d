// A layer's strokes kept painted at image resolution: a new stroke is painted onto what is there, anything else
// (undo, a loaded document) repaints the layer; the stroke being drawn is shown on a copy until it is finished.
import type { ImageSize } from './coordinates';
import { surface, type Surface } from './paint';
import type { SketchDocument, Stroke } from './sketch-document';

export interface StrokePainter {
  all(context: Surface, doc: SketchDocument, size: ImageSize): void;
  one(context: Surface, stroke: Stroke, doc: SketchDocument): void;
}

export class StrokeRaster {
  private committed: { canvas: HTMLCanvasElement; context: Surface };
  private scratch: { canvas: HTMLCanvasElement; context: Surface };
  private painted: readonly Stroke[] | null = null;
  private doc: SketchDocument | null = null;

  constructor(
    private size: ImageSize,
    private readonly painter: StrokePainter,
  ) {
    this.committed = surface(size);
    this.scratch = surface(size);
  }

  get canvas(): HTMLCanvasElement {
    return this.committed.canvas;
  }

  resize(size: ImageSize): void {
    this.size = size;
    this.committed = surface(size);
    this.scratch = surface(size);
    this.painted = null;
  }

  /** `strokes` is the layer's list in `doc`; `repaint` forces a full repaint (a setting every stroke depends on). */
  update(strokes: readonly Stroke[], doc: SketchDocument, repaint = false): void {
    this.doc = doc;
    if (strokes === this.painted && !repaint) return;
    const previous = this.painted;
    this.painted = strokes;
    const appended =
      !repaint && previous !== null && strokes.length > previous.length && previous.every((s, i) => strokes[i] === s);
    if (appended) {
      for (const stroke of strokes.slice(previous.length)) this.painter.one(this.committed.context, stroke, doc);
      return;
    }
    this.committed.context.clearRect(0, 0, this.size.width, this.size.height);
    this.painter.all(this.committed.context, doc, this.size);
  }

  /** The layer with a stroke in progress on top (or cut out, for an eraser). */
  withLive(stroke: Stroke): HTMLCanvasElement {
    const { context, canvas } = this.scratch;
    context.clearRect(0, 0, this.size.width, this.size.height);
    context.drawImage(this.committed.canvas, 0, 0);
    if (this.doc) this.painter.one(context, stroke, this.doc);
    return canvas;
  }
}
