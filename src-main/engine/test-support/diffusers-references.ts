// The cases of test-fixtures/references/index.json (made by tools/reference/pipeline_references.py with diffusers
// itself) as the golden tests read them: the settings of each case, and the job that reproduces them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GenerateParams } from '../engine-types';
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
