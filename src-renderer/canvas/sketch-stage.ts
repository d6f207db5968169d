// The sketch canvas on screen: a Konva stage filling its panel that shows the layers' rasters (see paint.ts) through
// a view that zooms (wheel) and pans (space-drag, or the middle button). It reports finished strokes and picked
// colours; the state owns the document and its history, so undo/redo is just drawing another document.
// Konva's core without its many unused shapes; the Core import registers the stage and layers with Konva.
import 'konva/lib/Core';
import { Group } from 'konva/lib/Group';
import { Layer } from 'konva/lib/Layer';
import { Stage } from 'konva/lib/Stage';
import { Image as KonvaImage } from 'konva/lib/shapes/Image';
import {
  centredView,
  screenPoint,
  toImagePoint,
  zoomAround,
  type ImagePoint,
  type ImageSize,
  type View,
} from './coordinates';
import { maskTint, paintBase, paintMask, paintSketch, paintStroke, surface } from './paint';
import type { PaintLayerId, SketchDocument, Stroke, Tool } from './sketch-document';
import { StrokeRaster } from './stroke-raster';

export interface Brush {
  tool: Tool | 'picker';
  layer: PaintLayerId;
  color: string;
  /** Diameter in screen pixels: the same on screen at any zoom and for any image size. */
  size: number;
  hardness: number;
  opacity: number;
}

export interface SketchStageOptions {
  /** An element the stage fills exactly: the room the canvas has. */
  container: HTMLDivElement;
  /** Follows the image on screen (for the image's outline and for tests); never takes pointer events. */
  frame: HTMLDivElement;
  size: ImageSize;
  /** Read when a stroke starts. */
  brush(): Brush;
  onStroke(layer: PaintLayerId, stroke: Stroke): void;
  onPick(color: string): void;
  onView?(view: View): void;
}

const maskOpacity = 0.5;
const zoomRange = { min: 0.1, max: 64 };

export class SketchStage {
  private readonly stage: Stage;
  private readonly content = new Layer({ listening: false });
  private readonly maskLayer = new Layer({ listening: false, visible: false });
  private readonly views = [new Group(), new Group()];
  private readonly baseImage = new KonvaImage({ image: undefined, listening: false });
  private readonly sketchImage = new KonvaImage({ image: undefined, listening: false });
  private readonly maskImage = new KonvaImage({ image: undefined, listening: false, opacity: maskOpacity });
  private readonly cursor: HTMLDivElement;
  private size: ImageSize;
  private room = { width: 1, height: 1 };
  /** Times the fitting scale; 1 with no pan keeps the image centred as the panel resizes. */
  private zoom = 1;
  private view: View = { scale: 1, x: 0, y: 0 };
  private userMoved = false;
  private base!: { canvas: HTMLCanvasElement; context: CanvasRenderingContext2D };
  private readonly sketch: StrokeRaster;
  private readonly mask: StrokeRaster;
  private doc: SketchDocument | null = null;
  private picture: CanvasImageSource | null = null;
  private live: { layer: PaintLayerId; stroke: Stroke; start: ImagePoint } | null = null;
  private lastEnd: Partial<Record<PaintLayerId, ImagePoint>> = {};
  private pan: { from: { x: number; y: number }; view: View } | null = null;
  private spaceHeld = false;
  private hovered = false;
  private maskBlur = 0;
  private frameRequest = 0;
  private readonly detach: () => void;

  constructor(private readonly options: SketchStageOptions) {
    this.size = options.size;
    this.stage = new Stage({ container: options.container, width: 1, height: 1 });
    this.sketch = new StrokeRaster(this.size, {
      all: (context, doc) => paintSketch(context, doc.sketch.strokes),
      one: (context, s) => paintStroke(context, s, s.color, s.tool === 'eraser'),
    });
    this.mask = new StrokeRaster(this.size, {
      all: (context, doc, size) => paintMask(context, doc.mask, size, maskTint),
      one: (context, s, doc) => paintStroke(context, s, maskTint, (s.tool === 'eraser') !== doc.mask.inverted),
    });
    this.base = surface(this.size);
    this.views[0].add(this.baseImage, this.sketchImage);
    this.views[1].add(this.maskImage);
    this.content.add(this.views[0]);
    this.maskLayer.add(this.views[1]);
    this.stage.add(this.content, this.maskLayer);
    this.cursor = brushCursor();
    options.container.append(this.cursor);
    this.detach = this.listen(options.container);
  }

  /** The image size changed (the form's width × height): new rasters, the view fitted again. */
  setImageSize(size: ImageSize): void {
    if (size.width === this.size.width && size.height === this.size.height) return;
    this.size = size;
    this.base = surface(size);
    this.sketch.resize(size);
    this.mask.resize(size);
    this.resetView();
    if (this.doc) this.render(this.doc, this.picture);
  }

  /** The room the stage has, in CSS pixels. */
  fit(room: { width: number; height: number }): void {
    if (room.width <= 0 || room.height <= 0) return;
    this.room = room;
    this.stage.size(room);
    if (!this.userMoved) this.applyView(centredView(this.size, room, this.zoom));
    else this.applyView(this.view);
  }

  resetView(): void {
    this.zoom = 1;
    this.userMoved = false;
    this.applyView(centredView(this.size, this.room));
  }

  /** Zooms about the room's centre (the keyboard's + and −). */
  zoomBy(factor: number): void {
    this.zoomAt(screenPoint(this.room.width / 2, this.room.height / 2), factor);
  }

  /** The mask blur (σ in image pixels) previewed on the overlay as the engine will soften it. */
  setMaskBlur(sigma: number): void {
    this.maskBlur = sigma;
    this.applyMaskBlur();
  }

  render(doc: SketchDocument, picture: CanvasImageSource | null): void {
    const previous = this.doc;
    this.doc = doc;
    if (!previous || previous.base !== doc.base || previous.background !== doc.background || picture !== this.picture) {
      this.picture = picture;
      paintBase(this.base.context, doc, picture, this.size);
    }
    this.sketch.update(doc.sketch.strokes, doc);
    this.mask.update(doc.mask.strokes, doc, previous?.mask.inverted !== doc.mask.inverted);
    this.showLayers();
  }

  destroy(): void {
    cancelAnimationFrame(this.frameRequest);
    this.detach();
    this.cursor.remove();
    this.stage.destroy();
  }

  private showLayers(): void {
    const doc = this.doc;
    if (!doc) return;
    const live = this.live;
    this.baseImage.image(this.base.canvas);
    this.sketchImage.image(live?.layer === 'sketch' ? this.sketch.withLive(live.stroke) : this.sketch.canvas);
    this.sketchImage.visible(doc.sketch.visible);
    this.sketchImage.opacity(doc.sketch.opacity);
    this.maskImage.image(live?.layer === 'mask' ? this.mask.withLive(live.stroke) : this.mask.canvas);
    const marked = doc.mask.inverted || doc.mask.strokes.length > 0 || live?.layer === 'mask';
    // Hidden rather than left empty: Chromium can keep showing a stale frame of a canvas cleared to nothing.
    this.maskLayer.visible(doc.mask.visible && marked);
    for (const image of [this.baseImage, this.sketchImage, this.maskImage]) image.size(this.size);
    this.stage.batchDraw();
  }

  private applyView(view: View): void {
    this.view = view;
    for (const group of this.views) {
      group.position({ x: view.x, y: view.y });
      group.scale({ x: view.scale, y: view.scale });
    }
    // Enlarged, a small picture shows its pixels; reduced, it needs smoothing not to alias.
    const smooth = view.scale < 1;
    this.content.imageSmoothingEnabled(smooth);
    this.maskLayer.imageSmoothingEnabled(smooth);
    Object.assign(this.options.frame.style, {
      left: `${view.x}px`,
      top: `${view.y}px`,
      width: `${this.size.width * view.scale}px`,
      height: `${this.size.height * view.scale}px`,
    });
    this.applyMaskBlur();
    this.stage.batchDraw();
    this.options.onView?.(view);
  }

  private applyMaskBlur(): void {
    const blur = this.maskBlur * this.view.scale;
    this.maskLayer.getCanvas()._canvas.style.filter = blur > 0 ? `blur(${blur}px)` : '';
  }

  private zoomAt(anchor: ReturnType<typeof screenPoint>, factor: number): void {
    const fit = centredView(this.size, this.room).scale;
    const scale = Math.min(zoomRange.max, Math.max(zoomRange.min, this.view.scale * factor));
    const applied = scale / this.view.scale;
    this.zoom = scale / fit;
    this.userMoved = true;
    this.applyView(zoomAround(this.view, anchor, applied));
  }

  private screenAt(event: MouseEvent) {
    const box = this.options.container.getBoundingClientRect();
    return screenPoint(event.clientX - box.left, event.clientY - box.top);
  }

  private pointAt(event: MouseEvent): ImagePoint {
    return toImagePoint(this.screenAt(event), this.view);
  }

  /** The colour on screen under a point: the base and the sketch layer composed as they are shown. */
  private sample(point: ImagePoint): string | null {
    const doc = this.doc;
    if (!doc || point.x < 0 || point.y < 0 || point.x >= this.size.width || point.y >= this.size.height) return null;
    const probe = surface({ width: 1, height: 1 });
    const x = -Math.floor(point.x);
    const y = -Math.floor(point.y);
    probe.context.drawImage(this.base.canvas, x, y);
    if (doc.sketch.visible) {
      probe.context.globalAlpha = doc.sketch.opacity;
      probe.context.drawImage(this.sketch.canvas, x, y);
    }
    const [r, g, b] = probe.context.getImageData(0, 0, 1, 1).data;
    return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  }

  private scheduleLive(): void {
    if (this.frameRequest) return;
    this.frameRequest = requestAnimationFrame(() => {
      this.frameRequest = 0;
      this.showLayers();
    });
  }

  private listen(element: HTMLDivElement): () => void {
    const down = (event: PointerEvent) => {
      if (event.button === 1 || (event.button === 0 && this.spaceHeld)) {
        element.setPointerCapture(event.pointerId);
        this.pan = { from: { x: event.clientX, y: event.clientY }, view: this.view };
        element.style.cursor = 'grabbing';
        return;
      }
      if (event.button !== 0) return;
      const brush = this.options.brush();
      const point = this.pointAt(event);
      if (brush.tool === 'picker') {
        const color = this.sample(point);
        if (color) this.options.onPick(color);
        return;
      }
      element.setPointerCapture(event.pointerId);
      // Shift-click: a straight line on from where the last stroke on this layer ended.
      const last = this.lastEnd[brush.layer];
      const start = event.shiftKey && last ? last : point;
      const stroke: Stroke = {
        tool: brush.tool,
        color: brush.color,
        size: brush.size / this.view.scale,
        hardness: brush.hardness,
        opacity: brush.opacity,
        points: [start, point],
      };
      this.live = { layer: brush.layer, stroke, start };
      this.showCursor(this.screenAt(event), brush.size);
      this.scheduleLive();
    };
    const move = (event: PointerEvent) => {
      const screen = this.screenAt(event);
      if (this.pan) {
        const { from, view } = this.pan;
        this.userMoved = true;
        this.applyView({ ...view, x: view.x + event.clientX - from.x, y: view.y + event.clientY - from.y });
        return;
      }
      const brush = this.options.brush();
      this.showCursor(screen, brush.tool === 'picker' ? 0 : brush.size);
      if (!this.live) return;
      const events = event.getCoalescedEvents?.() ?? [];
      const points = (events.length > 0 ? events : [event]).map((e) => this.pointAt(e));
      const { stroke, start } = this.live;
      // Shift while dragging: a straight line from where the stroke began.
      const next = event.shiftKey ? [start, points.at(-1)!] : [...stroke.points, ...points];
      this.live = { ...this.live, stroke: { ...stroke, points: next } };
      this.scheduleLive();
    };
    const up = () => {
      if (this.pan) {
        this.pan = null;
        element.style.cursor = '';
        return;
      }
      const live = this.live;
      this.live = null;
      if (!live) return;
      this.lastEnd[live.layer] = live.stroke.points.at(-1);
      this.options.onStroke(live.layer, live.stroke);
    };
    const leave = () => {
      this.hovered = false;
      this.cursor.style.display = 'none';
    };
    const enter = () => (this.hovered = true);
    const wheel = (event: WheelEvent) => {
      event.preventDefault();
      this.zoomAt(this.screenAt(event), Math.exp(-event.deltaY / 400));
    };
    const key = (event: KeyboardEvent) => {
      // Text being typed keeps its spaces; any other focus (a button, a slider) does not stop panning.
      const typing = (event.target as HTMLElement).closest?.(
        'textarea, [contenteditable], input:is([type=text], [type=number], [type=search], :not([type]))',
      );
      if (event.key !== ' ' || typing) return;
      const hovered = this.hovered;
      this.spaceHeld = event.type === 'keydown' && hovered;
      element.style.cursor = this.spaceHeld ? 'grab' : '';
      // Over the canvas, space pans: it must not also scroll, or press the toolbar button that has the focus.
      if (hovered) event.preventDefault();
    };
    element.addEventListener('pointerdown', down);
    element.addEventListener('pointermove', move);
    element.addEventListener('pointerup', up);
    element.addEventListener('pointercancel', up);
    element.addEventListener('pointerleave', leave);
    element.addEventListener('pointerenter', enter);
    element.addEventListener('wheel', wheel, { passive: false });
    window.addEventListener('keydown', key);
    window.addEventListener('keyup', key);
    return () => {
      element.removeEventListener('pointerdown', down);
      element.removeEventListener('pointermove', move);
      element.removeEventListener('pointerup', up);
      element.removeEventListener('pointercancel', up);
      element.removeEventListener('pointerleave', leave);
      element.removeEventListener('pointerenter', enter);
      element.removeEventListener('wheel', wheel);
      window.removeEventListener('keydown', key);
      window.removeEventListener('keyup', key);
    };
  }

  /** The brush outline is a DOM element over the canvas, in screen pixels: never part of the picture. */
  private showCursor(point: { x: number; y: number }, diameter: number): void {
    if (diameter <= 0) {
      this.cursor.style.display = 'none';
      return;
    }
    Object.assign(this.cursor.style, {
      display: 'block',
      width: `${diameter}px`,
      height: `${diameter}px`,
      transform: `translate(${point.x - diameter / 2}px, ${point.y - diameter / 2}px)`,
    });
  }
}

function brushCursor(): HTMLDivElement {
  const cursor = document.createElement('div');
  cursor.dataset.testid = 'brush-cursor';
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
