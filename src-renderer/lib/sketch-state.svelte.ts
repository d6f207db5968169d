// The sketch for img2img and inpainting: tool settings, the layered document with its undo history and pictures,
// its storage in the data directory, and the init image and mask the generate state asks for. The Konva stage
// (canvas/sketch-stage.ts) draws what this holds and reports strokes and picked colours back.
import { canvasLimits } from '../../src-main/shared/canvas';
import { fromStored, storedWithin } from '../canvas/canvas-persistence';
import type { ImageSize } from '../canvas/coordinates';
import { flatten, maskImage, pngBase64 } from '../canvas/paint';
import {
  addStroke,
  blankDocument,
  hasMask,
  isBlank,
  record,
  redo,
  resizeDocument,
  startHistory,
  undo,
  type FitMode,
  type History,
  type LayerId,
  type PaintLayerId,
  type SketchDocument,
  type Stroke,
  type Tool,
} from '../canvas/sketch-document';
import { contextSlot } from './context';
import { describeError, type StudioState } from './studio-state.svelte';
import type { FileHandler } from './window-drop';

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

const recentCount = 8;
/** A pause in editing this long writes the canvas to the data directory. */
const saveDelayMs = 300;
/** A picture's PNG as base64, the contract's bound for one file. */
const maxPictureChars = 24 * 1024 * 1024;

interface Picture {
  png: string;
  element: HTMLImageElement;
  /** Whether the data directory holds it already (canvas.putImage): a save sends only documents, never it again. */
  stored: boolean;
}

export class SketchState {
  tool = $state<Tool | 'picker'>('brush');
  /** The layer the brush and eraser work on: the sketch, or the inpainting mask. */
  layer = $state<PaintLayerId>('sketch');
  color = $state<string>(palette[4].value);
  recentColors = $state<string[]>([]);
  /** Brush diameter in screen pixels. */
  size = $state(16);
  hardness = $state(1);
  opacity = $state(1);
  /** σ in image pixels, sent with an inpainting job and previewed on the mask overlay. */
  maskBlur = $state(4);
  history = $state.raw<History<SketchDocument>>(startHistory(blankDocument('#ffffff')));
  /** The canvas's size in image pixels (the generation size it was last fitted to). */
  canvasSize = $state.raw<ImageSize>({ width: 512, height: 512 });
  /** A new generation size while the canvas holds something: waits for crop, fit or stretch. */
  pendingResize = $state.raw<ImageSize | null>(null);
  saveState = $state<'loading' | 'saved' | 'unsaved' | 'failed'>('loading');
  readonly document = $derived(this.history.present);
  readonly canUndo = $derived(this.history.past.length > 0);
  readonly canRedo = $derived(this.history.future.length > 0);
  readonly isBlank = $derived(isBlank(this.document));
  readonly hasMask = $derived(hasMask(this.document));
  /** The gallery id of the base picture: the parent of what is made from the canvas. */
  readonly origin = $derived(this.document.base.image !== null ? this.document.base.origin : null);
  /** Picture key → its PNG and decoded image; replaced whole, never changed in place. */
  private pictures = $state.raw<Readonly<Record<string, Picture>>>({});
  readonly picture = $derived(
    this.document.base.image !== null ? (this.pictures[this.document.base.image]?.element ?? null) : null,
  );
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private saving: Promise<void> = Promise.resolve();
  private loadFailed = false;

  constructor(private readonly studio: StudioState) {}

  brush() {
    return {
      tool: this.tool,
      layer: this.layer,
      color: this.color,
      size: this.size,
      hardness: this.hardness,
      opacity: this.opacity,
    };
  }

  addStroke(layer: PaintLayerId, stroke: Stroke): void {
    if (layer === 'sketch' && stroke.tool === 'brush') this.remember(stroke.color);
    this.change(addStroke(this.document, layer, stroke));
  }

  pick(color: string): void {
    this.color = color;
    this.remember(color);
    this.tool = 'brush';
  }

  /** Paints the background (under the picture, shown where it is hidden or transparent) in the current colour. */
  fill(): void {
    this.change({ ...this.document, background: this.color });
  }

  clear(): void {
    if (!this.isBlank) this.change(blankDocument(this.document.background));
  }

  setVisible(layer: LayerId, visible: boolean): void {
    const doc = this.document;
    if (doc[layer].visible !== visible) this.change({ ...doc, [layer]: { ...doc[layer], visible } });
  }

  setOpacity(layer: 'base' | 'sketch', opacity: number): void {
    const doc = this.document;
    if (doc[layer].opacity !== opacity) this.change({ ...doc, [layer]: { ...doc[layer], opacity } });
  }

  invertMask(): void {
    this.change({ ...this.document, mask: { ...this.document.mask, inverted: !this.document.mask.inverted } });
  }

  clearMask(): void {
    const { mask } = this.document;
    if (mask.strokes.length > 0 || mask.inverted)
      this.change({ ...this.document, mask: { ...mask, strokes: [], inverted: false } });
  }

  removeBase(): void {
    const doc = this.document;
    if (doc.base.image !== null) this.change({ ...doc, base: { ...doc.base, image: null, origin: null } });
  }

  undo(): void {
    this.history = undo(this.history);
    this.scheduleSave();
  }

  redo(): void {
    this.history = redo(this.history);
    this.scheduleSave();
  }

  /** A picture file (chosen, dropped or pasted) as the base layer; what is painted over it stays. */
  async setBaseFile(file: Blob): Promise<void> {
    await this.setBase(await blobBase64(file), null, false);
  }

  /**
   * A result or gallery image as the base of a new page of `size` (the picture's own, which the form takes too);
   * its id is the parent of what is made from it.
   */
  async startFrom(url: string, origin: number | null, size: ImageSize): Promise<void> {
    // A data: URL is read as it is (the page's content policy lets fetch reach only the studio's own origin).
    const png = url.startsWith('data:')
      ? url.slice(url.indexOf(',') + 1)
      : await blobBase64(await (await fetch(url)).blob());
    await this.setBase(png, origin, true);
    this.canvasSize = size;
    this.pendingResize = null;
  }

  /** Pictures dropped or pasted on the window while the sketch is shown become its base layer. */
  fileHandler(shown: () => boolean): FileHandler {
    return {
      label: 'Use as the sketch’s base picture',
      accepts: (files) =>
        shown() && files.length === 1 && files[0].folderPath === '' && files[0].file.type.startsWith('image/'),
      handle: async ([{ file }]) => {
        try {
          await this.setBaseFile(file);
        } catch (error) {
          this.studio.notify({ level: 'error', message: `Could not open ${file.name}: ${describeError(error)}` });
        }
      },
    };
  }

  /** The generation size changed: a blank canvas follows at once, one with content asks how to fit first. */
  resizeTo(size: ImageSize): void {
    const current = this.canvasSize;
    if (size.width === current.width && size.height === current.height) {
      this.pendingResize = null;
      return;
    }
    if (this.isBlank) {
      this.canvasSize = size;
      this.scheduleSave();
    } else this.pendingResize = size;
  }

  fitTo(fit: FitMode): void {
    const to = this.pendingResize;
    if (!to) return;
    this.pendingResize = null;
    const doc = resizeDocument(this.document, this.canvasSize, to, fit);
    this.canvasSize = to;
    this.change(doc);
  }

  /** The init image: the visible layers flattened at the canvas size, as PNG base64. */
  initImage(): string {
    return pngBase64(flatten(this.document, this.picture, this.canvasSize));
  }

  /** The inpainting mask (white = repaint) when the mask marks anything, else null (plain img2img). */
  maskPng(): string | null {
    return this.hasMask ? pngBase64(maskImage(this.document, this.canvasSize)) : null;
  }

  /** The canvas as last saved in the data directory; one that could not be read is reported and left aside. */
  async load(): Promise<void> {
    try {
      const { canvas, images, setAside } = await this.studio.api.call('canvas.load', {});
      if (setAside)
        this.studio.notify({
          level: 'warning',
          message: `The saved sketch could not be read (${setAside.problem}); it was moved to ${setAside.file}`,
        });
      if (canvas) {
        const snapshot = fromStored(canvas);
        const pictures: Record<string, Picture> = {};
        for (const [key, png] of Object.entries(images))
          pictures[key] = { png, element: await decodePng(png), stored: true };
        this.pictures = pictures;
        this.canvasSize = snapshot.size;
        this.history = snapshot.history;
      }
      this.loadFailed = false;
      this.saveState = 'saved';
    } catch (error) {
      // Saving now would replace the stored canvas with this blank one: nothing is saved until a load succeeds.
      this.saveState = 'failed';
      this.loadFailed = true;
      this.studio.notify({
        level: 'error',
        message: `Could not read the saved sketch (${describeError(error)}); changes are not saved until it can be`,
      });
    }
  }

  /** Writes the canvas now (what a pause in editing does by itself); saves run one after another, in order. */
  save(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saving = this.saving.then(() => this.write());
    return this.saving;
  }

  private async write(): Promise<void> {
    const snapshot = {
      size: this.canvasSize,
      history: this.history,
      hasImage: (key: string) => key in this.pictures,
    };
    const stored = storedWithin(snapshot, canvasLimits.fileBytes / 2, canvasLimits.images);
    try {
      for (const key of stored.images) {
        const picture = this.pictures[key];
        if (picture.stored) continue;
        await this.studio.api.call('canvas.putImage', { key, pngBase64: picture.png });
        picture.stored = true;
      }
      await this.studio.api.call('canvas.save', stored);
      // Pictures no step refers to any more are let go (the store deletes their files).
      const named = picturesOf(this.history);
      this.pictures = Object.fromEntries(Object.entries(this.pictures).filter(([key]) => named.has(key)));
      // The steps the saved form left out go from memory too. Only those: the user may have drawn or undone while
      // the save was on its way, so the current history is not the one measured.
      const left = snapshot.history.past.slice(0, snapshot.history.past.length - stored.past.length);
      if (left.length > 0)
        this.history = { ...this.history, past: this.history.past.filter((doc) => !left.includes(doc)) };
      if (this.saveTimer === undefined) this.saveState = 'saved';
    } catch (error) {
      this.saveState = 'failed';
      this.studio.notify({ level: 'error', message: `Could not save the sketch: ${describeError(error)}` });
    }
  }

  private async setBase(encoded: string, origin: number | null, newPage: boolean): Promise<void> {
    // Any picture the browser reads (JPEG, WebP, …) is kept as PNG, the one format the canvas stores.
    const png = await asPng(encoded);
    if (png.length > maxPictureChars) throw new Error('The picture is larger than the 18 MiB a sketch can hold');
    const element = await decodePng(png);
    const key = `p-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    this.pictures = { ...this.pictures, [key]: { png, element, stored: false } };
    const doc = newPage ? blankDocument(this.document.background) : this.document;
    this.change({ ...doc, base: { ...doc.base, image: key, origin, visible: true, fit: 'stretch' } });
  }

  private remember(color: string): void {
    this.recentColors = [color, ...this.recentColors.filter((c) => c !== color)].slice(0, recentCount);
  }

  private change(next: SketchDocument): void {
    this.history = record(this.history, next);
    this.scheduleSave();
  }

  private scheduleSave(): void {
    if (this.saveState === 'loading' || this.loadFailed) return;
    this.saveState = 'unsaved';
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.save();
    }, saveDelayMs);
  }
}

function picturesOf(history: History<SketchDocument>): ReadonlySet<string> {
  const docs = [...history.past, history.present, ...history.future];
  return new Set(docs.flatMap((doc) => (doc.base.image !== null ? [doc.base.image] : [])));
}

async function blobBase64(blob: Blob): Promise<string> {
  const url = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('Could not read the picture'));
    reader.readAsDataURL(blob);
  });
  return url.slice(url.indexOf(',') + 1);
}

async function asPng(base64: string): Promise<string> {
  if (base64.startsWith('iVBORw0KGgo')) return base64;
  const image = await decodePng(base64);
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  canvas.getContext('2d')?.drawImage(image, 0, 0);
  return pngBase64(canvas);
}

/** Browsers read the picture by its bytes, whatever the data URL's type says. */
async function decodePng(base64: string): Promise<HTMLImageElement> {
  const image = new Image();
  image.src = `data:image/png;base64,${base64}`;
  await image.decode();
  return image;
}

export const sketchSlot = contextSlot<SketchState>('SketchState');
export const useSketch = sketchSlot.use;
