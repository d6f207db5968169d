// A1111's `parameters` text (also written by Forge, Fooocus's a1111 scheme, SD.Next and this studio): prompt lines,
// `Negative prompt:` lines, then one line of `Key: value` pairs; parsed as A1111's parse_generation_parameters does.
import type { GallerySource } from '../../shared/gallery';
import { finiteNumber, positiveInt, recipe, wholeString, type Recipe } from './recipe';
import { fromA1111 } from './sampler-names';

// Key: value, where a value holding a comma is a JSON string (A1111's quote()).
const paramPattern = /\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/g;

export interface A1111Text {
  prompt: string;
  negative: string;
  fields: Record<string, string>;
}

export function splitA1111(parameters: string): A1111Text {
  const lines = parameters.trim().split('\n');
  let last = lines.at(-1) ?? '';
  if ([...last.matchAll(paramPattern)].length < 3) last = '';
  else lines.pop();
  const prompt: string[] = [];
  const negative: string[] = [];
  for (const raw of lines) {
    let line = raw.trim();
    if (line.startsWith('Negative prompt:')) {
      line = line.slice('Negative prompt:'.length).trim();
      negative.push(line);
    } else if (negative.length > 0) {
      negative.push(line);
    } else {
      prompt.push(line);
    }
  }
  const fields: Record<string, string> = {};
  for (const [, key, value] of last.matchAll(paramPattern)) fields[key.trim()] = unquote(value.trim());
  return { prompt: prompt.join('\n'), negative: negative.join('\n'), fields };
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    try {
      return String(JSON.parse(value));
    } catch {
      return value.slice(1, -1);
    }
  }
  return value;
}

export function parseA1111(parameters: string, source: GallerySource = 'a1111'): Recipe | null {
  const { prompt, negative, fields: f } = splitA1111(parameters);
  if (Object.keys(f).length === 0 && prompt === '') return null;
  const size = /^(\d+)x(\d+)$/.exec(f['Size'] ?? '');
  // Hires fix also writes a denoising strength, but the image is still txt2img.
  const hires = f['Hires upscale'] !== undefined || f['Hires steps'] !== undefined || f['Hires upscaler'] !== undefined;
  return recipe(source, {
    // Fooocus keeps the words the user typed apart from its style-expanded prompt.
    prompt: f['Raw prompt'] ?? prompt,
    negative: f['Raw negative prompt'] ?? negative,
    seed: wholeString(f['Seed']),
    steps: positiveInt(f['Steps']),
    guidance: finiteNumber(f['CFG scale']),
    scheduler: f['Sampler'] ? fromA1111(f['Sampler'], f['Schedule type']) : null,
    width: size ? Number(size[1]) : null,
    height: size ? Number(size[2]) : null,
    modelName: f['Model'] ?? null,
    modelHash: f['Model hash'] ?? null,
    strength: hires ? null : finiteNumber(f['Denoising strength']),
    batchSize: positiveInt(f['Batch size']) ?? 1,
    batchIndex: finiteNumber(f['Batch pos']) ?? 0,
    concepts: conceptHashes(f['TI hashes']),
  });
}

/** `TI hashes: "trigger: hash, other: hash"`: the textual-inversion embeddings a prompt used. */
function conceptHashes(value: string | undefined) {
  if (!value) return [];
  return value
    .split(',')
    .map((pair) => pair.split(':').map((s) => s.trim()))
    .filter((pair) => pair.length === 2 && pair[0] !== '' && pair[1] !== '')
    .map(([trigger, hash]) => ({ trigger, hash }));
}

/** Fooocus writes its a1111-scheme text with `Version: Fooocus v…`. */
export function isFooocusText(parameters: string): boolean {
  return /^Fooocus\b/.test(splitA1111(parameters).fields['Version'] ?? '');
}
