// LoRAs end to end against diffusers itself: fixtures/references.json (tools/reference/make_lora_fixtures.py:
// StableDiffusionPipeline.load_lora_weights + fuse_lora with diffusers 0.40.0 and PEFT 0.17.0) holds a kohya-named
// float16 LoRA (UNet only, with 3×3 and 1×1 conv modules) and a PEFT-named bfloat16 one (UNet and text encoder), each
// at two strengths, and both at once (set_adapters with a weight each, then fuse_lora); tiny-sd-external keeps its UNet weights in external data (merged into a folder of their own).
// Tolerance: every 8-bit channel within 3 levels, as for the engine's other goldens.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readSafetensors } from '../../concepts';
import { decodePngRgb } from '../../formats/png/png-metadata';
import { createEngine } from '../engine';
import type { GenerateParams, LoraWeights } from '../engine-types';
import type { SchedulerId } from '../schedulers/scheduler';

const fixtures = join(import.meta.dirname, 'fixtures');
const models = join(import.meta.dirname, '../test-fixtures/models');
const references = JSON.parse(readFileSync(join(fixtures, 'references.json'), 'utf8')) as {
  cases: {
    id: string;
    /** One LoRA at a strength, or (`loras`) several at once. */
    lora?: string;
    strength?: number;
    loras?: { lora: string; strength: number }[];
    seed: number;
    prompt: string;
    negative: string;
    steps: number;
    guidance: number;
    scheduler: SchedulerId;
    width: number;
    height: number;
    image: string;
  }[];
};

export function loraFixture(file: string, strength: number): LoraWeights {
  const { tensors, metadata } = readSafetensors(readFileSync(join(fixtures, file)));
  return { name: file.replace(/\.safetensors$/, ''), hash: file, strength, tensors, metadata };
}

// Merged graphs with external weights are written under the cache folder, and removed when the merge is released.
const cacheDir = mkdtempSync(join(tmpdir(), 'lora-golden-'));
const engine = createEngine({ providers: 'cpu', threads: 1, cacheDir });
const measured: string[] = [];
afterAll(async () => {
  await engine.dispose();
  expect(readdirSync(cacheDir).filter((f) => f.startsWith('lora-merge-'))).toEqual([]);
  rmSync(cacheDir, { recursive: true, force: true });
  if (process.env.GOLDEN_REPORT) console.log(measured.join('\n'));
});

function worstDifference(a: Uint8Array, b: Uint8Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('LoRA images match diffusers load_lora_weights + fuse_lora', () => {
  for (const model of ['tiny-sd', 'tiny-sd-fp16', 'tiny-sd-external'])
    test.each(references.cases.map((c) => [c.id, c] as const))(`%s on ${model}`, async (_id, c) => {
      const params: GenerateParams = {
        prompt: c.prompt,
        negative: c.negative,
        seed: BigInt(c.seed),
        steps: c.steps,
        guidance: c.guidance,
        scheduler: c.scheduler,
        width: c.width,
        height: c.height,
        loras: (c.loras ?? [{ lora: c.lora!, strength: c.strength! }]).map((l) => loraFixture(l.lora, l.strength)),
      };
      const result = await engine.generate(join(models, model), params);
      expect(result.warnings).toEqual([]);
      expect(result.settings.loras).toEqual(
        params.loras!.map(({ name, hash, strength }) => ({ name, hash, strength })),
      );
      const expected = decodePngRgb(readFileSync(join(fixtures, c.image))).rgb;
      const worst = worstDifference(result.images[0].rgb, expected);
      // The LoRA matters: without it the same seed gives a clearly different image.
      const plain = await engine.generate(join(models, model), { ...params, loras: [] });
      const withoutLora = worstDifference(plain.images[0].rgb, expected);
      measured.push(`${c.id} on ${model}: worst ${worst} levels (without the LoRA: ${withoutLora})`);
      expect(worst).toBeLessThanOrEqual(3);
      expect(withoutLora).toBeGreaterThan(20);
    });
});
