// The cases of test-fixtures/references/index.json (made by tools/reference/pipeline_references.py with diffusers
// itself) as the golden tests read them: the settings of each case, and the job that reproduces them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { decodePngRgb } from '../../formats/png/png-metadata';
import type { GenerateParams, GeneratedImage } from '../engine-types';
import type { SchedulerId } from '../schedulers/scheduler';

export const referencesDir = join(import.meta.dirname, '..', 'test-fixtures', 'references');

export interface ReferenceCase {
  id: string;
  model: string;
  alsoFor: string[];
  scheduler: SchedulerId;
  prompt: string;
  negative: string;
  seed: number;
  steps: number;
  guidance: number;
  batch: number;
  strength: number | null;
  width: number;
  height: number;
  initImage?: string;
  /** Inpainting: the mask PNG and the engine settings that give diffusers' own output (no blur, no paste-back). */
  mask?: string;
  maskBlur?: number;
  keepDecoded?: boolean;
  images: string[];
  unetTimesteps: number[];
  latents: { dims: number[]; first16: number[]; sum: number; absSum: number };
}

export interface ReferenceIndex {
  cases: ReferenceCase[];
  tokenizer: { examples: Record<string, Record<string, number[]>> };
}

export const readReferenceIndex = (): ReferenceIndex =>
  JSON.parse(readFileSync(join(referencesDir, 'index.json'), 'utf8')) as ReferenceIndex;

/** The text-to-image settings of a case (init image and mask, when it has them, are the caller's to add). */
export const referenceParams = (c: ReferenceCase): GenerateParams => ({
  prompt: c.prompt,
  negative: c.negative,
  seed: BigInt(c.seed),
  steps: c.steps,
  guidance: c.guidance,
  scheduler: c.scheduler,
  width: c.width,
  height: c.height,
  batch: c.batch,
});

/**
 * engine-semantics.md's tolerance for an image against a reference PNG of referencesDir (same size, and every 8-bit channel within
 * every 8-bit channel within 3 levels, at most 1 % of them more than 1 level off). Returns the figures, for reports.
 */
export function expectNearReference(
  image: Pick<GeneratedImage, 'rgb' | 'width' | 'height'>,
  file: string,
): { max: number; overOne: number } {
  const ref = decodePngRgb(readFileSync(join(referencesDir, file)));
  expect([image.width, image.height]).toEqual([ref.width, ref.height]);
  let max = 0;
  let over = 0;
  for (let k = 0; k < ref.rgb.length; k++) {
    const d = Math.abs(image.rgb[k] - ref.rgb[k]);
    max = Math.max(max, d);
    if (d > 1) over++;
  }
  expect(max).toBeLessThanOrEqual(3);
  expect(over / ref.rgb.length).toBeLessThanOrEqual(0.01);
  return { max, overOne: over / ref.rgb.length };
}
