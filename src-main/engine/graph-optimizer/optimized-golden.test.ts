// The fused fp32 graphs against diffusers itself: cases of test-fixtures/references/index.json generated from
// optimised copies of the fixture models, held to the golden test's tolerance (engine.golden.test.ts: each 8-bit
// channel within 3 levels, ≥ 99 % within 1). The fixed-size copy covers the guided batch (2) the UNet was fixed to.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { expectNearReference, readReferenceIndex, referenceParams } from '../test-support/diffusers-references';
import { createEngine } from '../engine';
import { optimizeModelFolder } from '.';

const fixtures = join(import.meta.dirname, '../test-fixtures');
const work = mkdtempSync(join(tmpdir(), 'optimized-golden-'));
const engine = createEngine({ providers: 'cpu', threads: 1 });

const { cases } = readReferenceIndex();

const copies = [
  ['tiny-sd', 'fused', ['txt2img-pndm', 'txt2img-euler-a', 'txt2img-dpmpp-2m']],
  ['tiny-sd', 'fused, fixed 64×64 batch 2', ['txt2img-ddim']],
  ['tiny-sd-v', 'fused', ['v-txt2img-euler']],
] as const;

beforeAll(async () => {
  for (const [model, variant] of copies)
    await optimizeModelFolder({
      modelDir: join(fixtures, 'models', model),
      outDir: join(work, model, variant),
      fp16: false,
      fixedSize: variant.includes('fixed') ? { width: 64, height: 64, batch: 2 } : undefined,
    });
});
afterAll(async () => {
  await engine.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('optimised fp32 graphs still match diffusers', () => {
  const runs = copies.flatMap(([model, variant, ids]) =>
    ids.map((id) => [`${id} on ${model} ${variant}`, model, variant, id] as const),
  );
  test.each(runs)('%s', async (_name, model, variant, id) => {
    const c = cases.find((x) => x.id === id)!;
    const result = await engine.generate(join(work, model, variant), referenceParams(c));
    expectNearReference(result.images[0], c.images[0]);
  });
});
