// Result PNGs with their recipe embedded: A1111's `parameters` text (read by most SD tools) and the studio's own JSON.
import { convertIndexedToRgb, decode, encode, type DecodedPng } from 'fast-png';
import type { ResolvedSettings } from '../../engine';
import { hasPngSignature, insertAfterHeader, readTextChunks, textChunk } from './png-chunks';
import { schedulerRegistry, type SchedulerIdValue } from '../../shared/schedulers';
import { guardPngForDecode } from './png-decode-guard';

export const STUDIO_CHUNK = 'studio';
export const A1111_CHUNK = 'parameters';

export const a1111SamplerNames = Object.fromEntries(schedulerRegistry.map((s) => [s.id, s.a1111])) as Record<
  SchedulerIdValue,
  string
>;

/** The studio's recipe: every resolved setting (seed as a decimal string: JSON has no 64-bit integers). */
export interface StudioRecipe extends Omit<ResolvedSettings, 'seed'> {
  format: 'diffusion-studio/1';
  seed: string;
  /** Which image of the batch this is. */
  index: number;
}

export function studioRecipe(settings: ResolvedSettings, index: number): StudioRecipe {
  return { format: 'diffusion-studio/1', ...settings, seed: settings.seed.toString(), index };
}

/** Python's float repr for the numbers A1111 writes: 7 → "7.0", 7.5 → "7.5". */
function pyFloat(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/** A1111's `quote()`: values with a comma, colon or newline are written as JSON strings. */
function quote(value: string): string {
  return /[,:\n]/.test(value) ? JSON.stringify(value) : value;
}

export function a1111Parameters(settings: ResolvedSettings, index = 0): string {
  const fields: Array<[string, string]> = [
    ['Steps', String(settings.steps)],
    ['Sampler', a1111SamplerNames[settings.scheduler] ?? settings.scheduler],
    ['CFG scale', pyFloat(settings.guidance)],
    ['Seed', settings.seed.toString()],
    ['Size', `${settings.width}x${settings.height}`],
    ['Model hash', settings.model.hash],
    ['Model', quote(settings.model.name)],
  ];
  if (settings.batch > 1) fields.push(['Batch size', String(settings.batch)], ['Batch pos', String(index)]);
  if (settings.strength !== null) fields.push(['Denoising strength', pyFloat(settings.strength)]);
  if (settings.mask) fields.push(['Mask blur', String(settings.mask.blur)]);
  if (settings.mask?.inpaintArea === 'masked') {
    fields.push(['Inpaint area', 'Only masked'], ['Masked area padding', String(settings.mask.inpaintPadding)]);
  }
  if (settings.loras?.length)
    fields.push([
      'Lora hashes',
      JSON.stringify(settings.loras.map((l) => `${l.name}: ${l.hash.slice(0, 12)}`).join(', ')),
    ]);
  const lines = [promptWithLoraTags(settings)];
  if (settings.negative !== '') lines.push(`Negative prompt: ${settings.negative}`);
  lines.push(fields.map(([key, value]) => `${key}: ${value}`).join(', '));
  return lines.join('\n');
}

/** A1111 keeps a job's LoRAs as `<lora:name:w>` tags in the prompt: the ones given as a list are written there too. */
function promptWithLoraTags(settings: ResolvedSettings): string {
  const tagged = (name: string, strength: number) =>
    settings.prompt.includes(`<lora:${name}:${strength}>`) ||
    (strength === 1 && settings.prompt.includes(`<lora:${name}>`));
  const extra = (settings.loras ?? [])
    .filter((l) => !tagged(l.name, l.strength))
    .map((l) => `<lora:${l.name}:${l.strength}>`);
  return [settings.prompt, ...extra].filter((part) => part !== '').join(' ');
}

export interface RgbImage {
  rgb: Uint8Array;
  width: number;
  height: number;
}

/** 8-bit RGB PNG with the `parameters` and `studio` text chunks ahead of the image data. */
export function encodePngWithMetadata(image: RgbImage, settings: ResolvedSettings, index = 0): Uint8Array {
  const png = encode({ width: image.width, height: image.height, data: image.rgb, channels: 3, depth: 8 });
  return insertAfterHeader(png, [
    textChunk(A1111_CHUNK, a1111Parameters(settings, index)),
    textChunk(STUDIO_CHUNK, JSON.stringify(studioRecipe(settings, index))),
  ]);
}

export interface PngMetadata {
  /** A1111-style generation text, when present. */
  parameters: string | null;
  /** The studio's recipe JSON, parsed (null when absent or not JSON); validate before trusting it. */
  studio: unknown;
  /** Every text chunk by keyword, for importers of other tools' formats. */
  text: Record<string, string>;
}

export function readPngMetadata(bytes: Uint8Array): PngMetadata {
  if (!hasPngSignature(bytes)) throw new Error('not a PNG file');
  const text = readTextChunks(bytes);
  let studio: unknown = null;
  if (text[STUDIO_CHUNK] !== undefined) {
    try {
      studio = JSON.parse(text[STUDIO_CHUNK]);
    } catch {
      studio = null;
    }
  }
  return { parameters: text[A1111_CHUNK] ?? null, studio, text };
}

/** Any PNG → 8-bit RGB (alpha dropped, as PIL's convert('RGB') does): the init image of img2img. */
export function decodePngRgb(bytes: Uint8Array): RgbImage {
  if (!hasPngSignature(bytes)) throw new Error('not a PNG file (the PNG signature is missing)');
  const pixelChunks = guardPngForDecode(bytes);
  let png: DecodedPng;
  try {
    png = decode(pixelChunks);
  } catch (error) {
    throw new Error(`damaged PNG file (${(error as Error).message})`, { cause: error });
  }
  const { width, height } = png;
  const pixels = width * height;
  const palette = png.palette !== undefined;
  const data = palette ? convertIndexedToRgb(png) : png.data;
  const channels = palette ? data.length / pixels : png.channels;
  const depth = palette ? 8 : png.depth;
  const sample = samplesOf(data, depth, width, channels);
  const rgb = new Uint8Array(pixels * 3);
  // Grey (+alpha) spreads to three channels; colour keeps its first three.
  const colour = channels >= 3;
  for (let i = 0; i < pixels; i++) {
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = sample(i * channels + (colour ? c : 0));
  }
  return { rgb, width, height };
}

/** Reads one channel value as 8 bits: 16-bit keeps its high byte, 1/2/4-bit grey is scaled up (rows are packed). */
function samplesOf(data: ArrayLike<number>, depth: number, width: number, channels: number): (i: number) => number {
  if (depth === 8) return (i) => data[i];
  if (depth === 16) return (i) => data[i] >> 8;
  const stride = Math.ceil((width * channels * depth) / 8);
  const max = (1 << depth) - 1;
  return (i) => {
    const row = Math.floor(i / (width * channels));
    const bit = (i % (width * channels)) * depth;
    const byte = data[row * stride + (bit >> 3)];
    return Math.round((((byte >> (8 - depth - (bit & 7))) & max) * 255) / max);
  };
}
