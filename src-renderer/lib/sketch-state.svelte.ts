// The sketch for img2img: tool settings, the document with its undo history, and the export the generate state
// asks for. The Konva stage (canvas/sketch-stage.ts) draws what this holds and reports strokes back.
import type { SketchStage } from '../canvas/sketch-stage';
import {
  blankDocument,
  record,
  redo,
  startHistory,
  undo,
  type History,
  type SketchDocument,
  type Stroke,
  type Tool,
} from '../canvas/sketch-document';
import { contextSlot } from './context';

export const palette = [
  { name: 'red', value: '#e53935' },
  { name: 'orange', value: '#fb8c00' },
  { name: 'yellow', value: '#fdd835' },
  { name: 'green', value: '#43a047' },
  { name: 'blue', value: '#1e88e5' },
  { name: 'purple', value: '#8e24aa' },
  { name: 'pink', value: '#f06292' },
  { name: 'white', value: '#ffffff' },
  { name: 'black', value: '#000000' },
  { name: 'gray', value: '#9e9e9e' },
] as const;

export class SketchState {
  tool = $state<Tool>('brush');
  color = $state<string>(palette[4].value);
  /** Brush diameter in image pixels. */
  size = $state(12);
  history = $state.raw<History<SketchDocument>>(startHistory(blankDocument('#ffffff')));
  readonly document = $derived(this.history.present);
  readonly canUndo = $derived(this.history.past.length > 0);
  readonly canRedo = $derived(this.history.future.length > 0);
  readonly isBlank = $derived(this.document.strokes.length === 0 && this.document.base === null);
  /** The gallery id of the picture the sketch started from: the parent of what is made from it. */
  origin = $state<number | null>(null);
  private stage: SketchStage | null = null;

  brush() {
    return { tool: this.tool, color: this.color, size: this.size };
  }

  addStroke(stroke: Stroke): void {
    this.change({ ...this.document, strokes: [...this.document.strokes, stroke] });
  }

  /** Paints the whole background (and drops a picture started from) in the current colour; strokes stay. */
  fill(): void {
    this.origin = null;
    this.change({ ...this.document, background: this.color, base: null });
  }

  clear(): void {
    this.origin = null;
    if (!this.isBlank) this.change(blankDocument(this.document.background));
  }

  undo(): void {
    this.history = undo(this.history);
  }

  redo(): void {
    this.history = redo(this.history);
  }

  /** Puts a picture (a finished result) under the strokes, as a new page. */
  async startFrom(url: string, origin: number | null = null): Promise<void> {
    const image = new Image();
    image.src = url;
    await image.decode();
    this.origin = origin;
    this.change({ background: this.document.background, base: image, strokes: [] });
  }

  attach(stage: SketchStage): () => void {
    this.stage = stage;
    return () => {
      if (this.stage === stage) this.stage = null;
    };
  }

  /** The sketch as PNG base64 at the stage's image size, or null while no stage is shown. */
  exportPng(): string | null {
    return this.stage?.exportPngBase64() ?? null;
  }

  private change(next: SketchDocument): void {
    this.history = record(this.history, next);
  }
}

export const sketchSlot = contextSlot<SketchState>('SketchState');
export const useSketch = sketchSlot.use;
