// PNG info: a PNG dropped or pasted on the window shows the settings it carries (any tool's dialect), ready to use or
// to import; a dropped folder of PNGs is imported into the gallery in batches, with progress and a summary.
import type { PngInfo } from '../../src-main/shared/gallery';
import type { ClientApi } from './api';
import { contextSlot } from './context';
import { describeError } from './studio-state.svelte';
import { hasExtension, type DroppedFile, type FileRouter } from './window-drop';

/** The contract's bound on one base64 PNG (24 MiB of text). */
export const maxPngBytes = 18 * 1024 * 1024;
/** Files per gallery.import call: small enough that progress moves, and that a call stays under the body limit. */
const batchFiles = 8;
const batchBytes = 20 * 1024 * 1024;
const conceptExtensions = ['.safetensors', '.pt', '.bin', '.ckpt'];

export interface ShownPng {
  name: string;
  info: PngInfo;
  pngBase64: string;
  /** Gallery id once imported. */
  importedId: number | null;
}

export interface ImportTally {
  total: number;
  done: number;
  imported: number;
  duplicates: number;
  failed: { file: string; error: string }[];
  finished: boolean;
}

export const isPng = (f: DroppedFile): boolean => f.file.type === 'image/png' || hasExtension(f, '.png');

export class PngInfoState {
  shown = $state.raw<ShownPng | null>(null);
  /** Why the last PNG could not be read. */
  error = $state<string | null>(null);
  reading = $state(false);
  importing = $state(false);
  tally = $state.raw<ImportTally | null>(null);

  constructor(private readonly api: ClientApi) {}

  /** One PNG (dropped alone or pasted) → PNG info; PNGs in a folder, or several at once → import. */
  register(router: FileRouter): () => void {
    const single = router.register({
      label: 'Show PNG info',
      accepts: (files) => files.length === 1 && files[0].folderPath === '' && isPng(files[0]),
      handle: (files) => this.open(files[0].file),
    });
    const many = router.register({
      label: 'Import PNGs into the gallery',
      accepts: (files) =>
        files.some(isPng) &&
        !files.some((f) => hasExtension(f, ...conceptExtensions)) &&
        (files.every((f) => f.folderPath !== '') || (files.length > 1 && files.every(isPng))),
      handle: (files) => this.importFiles(files.filter(isPng).map((f) => f.file)),
    });
    return () => {
      single();
      many();
    };
  }

  async open(file: File): Promise<void> {
    this.error = null;
    this.shown = null;
    this.tally = null;
    if (file.size > maxPngBytes) {
      this.error = `${file.name} is ${(file.size / 2 ** 20).toFixed(1)} MiB: larger than the 18 MiB a PNG may be`;
      return;
    }
    this.reading = true;
    try {
      const pngBase64 = toBase64(new Uint8Array(await file.arrayBuffer()));
      const info = await this.api.call('gallery.readPng', { pngBase64 });
      this.shown = { name: file.name, info, pngBase64, importedId: null };
    } catch (error) {
      this.error = `${file.name}: ${describeError(error)}`;
    } finally {
      this.reading = false;
    }
  }

  /** Imports the PNG shown; returns its gallery id (or the existing one's absence: a duplicate is not imported). */
  async importShown(): Promise<ImportTally | null> {
    const shown = this.shown;
    if (!shown || this.importing) return null;
    this.importing = true;
    try {
      const summary = await this.api.call('gallery.import', {
        files: [{ name: shown.name, pngBase64: shown.pngBase64 }],
      });
      if (this.shown === shown) this.shown = { ...shown, importedId: summary.ids[0] ?? null };
      return {
        total: 1,
        done: 1,
        imported: summary.imported,
        duplicates: summary.skipped,
        failed: summary.failed,
        finished: true,
      };
    } finally {
      this.importing = false;
    }
  }

  async importFiles(files: File[]): Promise<void> {
    if (this.importing) return;
    this.shown = null;
    this.error = null;
    this.importing = true;
    let tally: ImportTally = { total: files.length, done: 0, imported: 0, duplicates: 0, failed: [], finished: false };
    this.tally = tally;
    try {
      for (const batch of batches(files)) {
        const readable: { name: string; pngBase64: string }[] = [];
        const failed = [...tally.failed];
        for (const file of batch) {
          if (file.size > maxPngBytes) failed.push({ file: file.name, error: 'larger than 18 MiB' });
          else readable.push({ name: file.name, pngBase64: toBase64(new Uint8Array(await file.arrayBuffer())) });
        }
        const summary = readable.length
          ? await this.api.call('gallery.import', { files: readable })
          : { imported: 0, skipped: 0, failed: [] };
        tally = {
          ...tally,
          done: tally.done + batch.length,
          imported: tally.imported + summary.imported,
          duplicates: tally.duplicates + summary.skipped,
          failed: [...failed, ...summary.failed],
        };
        this.tally = tally;
      }
    } catch (error) {
      tally = { ...tally, failed: [...tally.failed, { file: '(import stopped)', error: describeError(error) }] };
    } finally {
      this.tally = { ...tally, finished: true };
      this.importing = false;
    }
  }

  close(): void {
    this.shown = null;
    this.error = null;
    if (!this.importing) this.tally = null;
  }
}

function* batches(files: File[]): Generator<File[]> {
  let batch: File[] = [];
  let bytes = 0;
  for (const file of files) {
    if (batch.length > 0 && (batch.length >= batchFiles || bytes + file.size > batchBytes)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(file);
    bytes += file.size;
  }
  if (batch.length > 0) yield batch;
}

/** Bytes → base64, in slices (String.fromCharCode takes a bounded number of arguments). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export const pngInfoSlot = contextSlot<PngInfoState>('PngInfoState');
export const usePngInfo = pngInfoSlot.use;
