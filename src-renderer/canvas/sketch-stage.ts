// The sketch canvas: a Konva stage that always holds an image of exactly width × height image pixels, shown at
// whatever scale fits its panel. It draws a SketchDocument and reports finished strokes; the state owns the
// document and its history, so undo/redo is just drawing another document.
// Konva's core without its many unused shapes; the Core import registers the stage and layers with Konva.
import 'konva/lib/Core';
import { Group } from 'konva/lib/Group';
import { Layer } from 'konva/lib/Layer';
import { Stage } from 'konva/lib/Stage';
import { Image as KonvaImage } from 'konva/lib/shapes/Image';
import { Line } from 'konva/lib/shapes/Line';
import { Rect } from 'konva/lib/shapes/Rect';
import { fitScale, screenPoint, toImagePoint, type ImagePoint, type ImageSize } from './coordinates';
import type { SketchDocument, Stroke, Tool } from './sketch-document';

export interface Brush {
  tool: Tool;
  color: string;
  size: number;
}

export interface SketchStageOptions {
  /** An element the stage fills exactly; its parent decides the room available (see `fit`). */
  container: HTMLDivElement;
  size: ImageSize;
  /** Read when a stroke starts. */
  brush(): Brush;
  onStroke(stroke: Stroke): void;
}

export class SketchStage {
  private readonly stage: Stage;
  private readonly layer = new Layer({ listening: false });
  private readonly background = new Rect({ x: 0, y: 0, listening: false });
  private readonly base = new KonvaImage({ image: undefined, x: 0, y: 0, listening: false, visible: false });
  // Isolated: the eraser's destination-out removes strokes only, uncovering the background and base picture.
  private readonly strokes = new Group({ isolated: true, listening: false });
  private readonly cursor: HTMLDivElement;
  private size: ImageSize;
  private scale = 1;
  private live: { stroke: Stroke; line: Line } | null = null;
  private readonly detach: () => void;

  constructor(private readonly options: SketchStageOptions) {
    this.size = options.size;
    this.stage = new Stage({ container: options.container, width: this.size.width, height: this.size.height });
    // One layer whose every frame starts with the opaque background: Chromium can show a stale frame for a
    // canvas that is cleared and left empty (seen in headless Chromium), which a separate strokes layer would be
    // after undoing its last stroke.
    this.layer.add(this.background, this.base, this.strokes);
    this.stage.add(this.layer);
    this.cursor = brushCursor();
    options.container.append(this.cursor);
    this.detach = this.listen(options.container);
    this.applyView();
  }

  /** The image size changed (the form's width × height): same scale rules, new extent. */
  setImageSize(size: ImageSize): void {
    if (size.width === this.size.width && size.height === this.size.height) return;
    this.size = size;
    this.applyView();
  }

  /** Fits the image into the room its panel has, in CSS pixels. */
  fit(available: { width: number; height: number }): void {
    if (available.width <= 0 || available.height <= 0) return;
    this.scale = fitScale(this.size, available);
    this.applyView();
  }

  render(doc: SketchDocument): void {
    this.background.fill(doc.background);
    this.base.image(doc.base ?? undefined);
    this.base.visible(doc.base !== null);
    this.strokes.destroyChildren();
    for (const stroke of doc.strokes) this.strokes.add(lineFor(stroke));
    this.strokes.visible(doc.strokes.length > 0);
    this.stage.batchDraw();
  }

  /** The picture as PNG (base64, no data: prefix) of exactly width × height pixels, whatever the scale shown. */
  exportPngBase64(): string {
    // Konva sizes the export bitmap as floor(stage size × pixelRatio); the stage is image size × scale, so
    // 1/scale gives the image size back, and a nudge far below a pixel keeps rounding error from flooring it.
    const pixelRatio = (1 + 1e-9) / this.scale;
    const url = this.stage.toDataURL({ mimeType: 'image/png', pixelRatio });
    return url.slice(url.indexOf(',') + 1);
  }

  destroy(): void {
    this.detach();
    this.cursor.remove();
    this.stage.destroy();
  }

  private applyView(): void {
    const { width, height } = this.size;
    this.stage.size({ width: width * this.scale, height: height * this.scale });
    this.stage.scale({ x: this.scale, y: this.scale });
    // Enlarged, a small picture shows its pixels (as results do); reduced, it needs smoothing not to alias.
    this.layer.imageSmoothingEnabled(this.scale < 1);
    this.background.size({ width, height });
    this.base.size({ width, height });
    this.stage.batchDraw();
  }

  private pointAt(event: PointerEvent): ImagePoint {
    const box = this.options.container.getBoundingClientRect();
    return toImagePoint(screenPoint(event.clientX - box.left, event.clientY - box.top), this.scale);
  }

  private listen(element: HTMLDivElement): () => void {
    const down = (event: PointerEvent) => {
      if (event.button !== 0) return;
      element.setPointerCapture(event.pointerId);
      const point = this.pointAt(event);
      const stroke: Stroke = { ...this.options.brush(), points: [point, point] };
      const line = lineFor(stroke);
      this.strokes.add(line);
      this.strokes.visible(true);
      this.live = { stroke, line };
      this.showCursor(point, stroke.size);
    };
    const move = (event: PointerEvent) => {
      const events = event.getCoalescedEvents?.() ?? [];
      const points = (events.length > 0 ? events : [event]).map((e) => this.pointAt(e));
      const last = points.at(-1)!;
      this.showCursor(last, this.live?.stroke.size ?? this.options.brush().size);
      if (!this.live) return;
      const stroke = { ...this.live.stroke, points: [...this.live.stroke.points, ...points] };
      this.live = { stroke, line: this.live.line };
      this.live.line.points(flatten(stroke.points));
      this.stage.batchDraw();
    };
    const up = () => {
      const live = this.live;
      this.live = null;
      if (live) this.options.onStroke(live.stroke);
    };
    const leave = () => (this.cursor.style.display = 'none');
    element.addEventListener('pointerdown', down);
    element.addEventListener('pointermove', move);
    element.addEventListener('pointerup', up);
    element.addEventListener('pointercancel', up);
    element.addEventListener('pointerleave', leave);
    return () => {
      element.removeEventListener('pointerdown', down);
      element.removeEventListener('pointermove', move);
      element.removeEventListener('pointerup', up);
      element.removeEventListener('pointercancel', up);
      element.removeEventListener('pointerleave', leave);
    };
  }

  /** The brush outline is a DOM element over the canvas: never part of the picture, never a redraw. */
  private showCursor(point: ImagePoint, size: number): void {
    const diameter = Math.max(2, size * this.scale);
    Object.assign(this.cursor.style, {
      display: 'block',
      width: `${diameter}px`,
      height: `${diameter}px`,
      transform: `translate(${point.x * this.scale - diameter / 2}px, ${point.y * this.scale - diameter / 2}px)`,
    });
  }
}

function brushCursor(): HTMLDivElement {
  const cursor = document.createElement('div');
  // A light ring inside a dark one shows on any colour.
  Object.assign(cursor.style, {
    position: 'absolute',
    left: '0',
    top: '0',
    display: 'none',
    borderRadius: '50%',
    border: '1px solid rgba(255, 255, 255, 0.9)',
    boxShadow: '0 0 0 1px rgba(0, 0, 0, 0.7)',
    pointerEvents: 'none',
    zIndex: '1',
  });
  return cursor;
}

function lineFor(stroke: Stroke): Line {
  return new Line({
    points: flatten(stroke.points),
    stroke: stroke.color,
    strokeWidth: stroke.size,
    lineCap: 'round',
    lineJoin: 'round',
    listening: false,
    perfectDrawEnabled: false,
    globalCompositeOperation: stroke.tool === 'eraser' ? 'destination-out' : 'source-over',
  });
}

function flatten(points: readonly ImagePoint[]): number[] {
  return points.flatMap((p) => [p.x, p.y]);
}
