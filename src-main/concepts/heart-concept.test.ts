// The bundled tiny-shapes model with its bundled heart concept, end to end: the file → the engine's injection.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTextEncoder } from '../engine/adapters/text-encoder';
import { injectConcepts } from '../engine/concepts/concept-text-encoder';
import { createEngine } from '../engine/engine';
import { loadTokenizer } from '../engine/tokenizer/load-tokenizer';
import { analyseShapes } from '../../tools/model-eval/shape-analysis';
import { readConceptFile } from './concept-file';

const MODEL = join(import.meta.dirname, '..', '..', 'models', 'tiny-shapes');
const HEART = join(MODEL, 'concepts', 'heart.safetensors');
// export.py's PyTorch reference for "a red heart" with the heart rows (see the file's `how`).
const REFERENCE = join(import.meta.dirname, '..', 'engine', 'concepts', 'fixtures', 'heart-reference.json');

describe('bundled heart concept', () => {
  const heart = () => readConceptFile(new Uint8Array(readFileSync(HEART)), HEART);
  const engine = createEngine({ providers: 'cpu', threads: 1 });
  afterAll(() => engine.dispose());

  it('encodes "a red heart" as the training code does', async () => {
    const ref = JSON.parse(readFileSync(REFERENCE, 'utf8')) as {
      prompt: string;
      ids: number[];
      lastHiddenState: number[];
    };
    const tokenizer = await loadTokenizer(join(MODEL, 'tokenizer'));
    const file = join(MODEL, 'text_encoder', 'model.onnx');
    const { model } = injectConcepts(new Uint8Array(readFileSync(file)), tokenizer, [heart()]);
    const ids = tokenizer.encode(ref.prompt);
    expect(Array.from(ids)).toEqual(ref.ids);
    const encoder = await openTextEncoder(file, { providers: ['cpu'], threads: 1, log: () => {} }, model);
    const { data } = await encoder.encode(ids);
    let worst = 0;
    ref.lastHiddenState.forEach((v, i) => (worst = Math.max(worst, Math.abs(data[i] - v))));
    expect(worst).toBeLessThan(1e-4);
    await encoder.session.release();
  });

  it('turns "a red heart" into red hearts', async () => {
    const params = { prompt: 'a red heart', seed: 500n, steps: 20, batch: 4 };
    const run = async (concepts: ReturnType<typeof heart>[]) =>
      (await engine.generate(MODEL, { ...params, concepts })).images;
    const without = await run([]);
    const withConcept = await run([heart()]);
    const changed = withConcept.map((image, i) => {
      let differing = 0;
      for (let p = 0; p < image.rgb.length; p++) if (Math.abs(image.rgb[p] - without[i].rgb[p]) > 16) differing++;
      return differing / image.rgb.length;
    });
    // The concept's rows reach the UNet: every image moves, toward red hearts (none without the concept).
    expect(Math.min(...changed), JSON.stringify(changed)).toBeGreaterThan(0.01);
    const shapes = (images: typeof without) => images.map((image) => analyseShapes(image).objects[0]);
    const found = shapes(withConcept);
    expect(found.filter((o) => o?.color === 'red').length).toBeGreaterThanOrEqual(3);
    expect(found.filter((o) => o?.shape === 'heart').length, JSON.stringify(found)).toBeGreaterThanOrEqual(3);
    expect(shapes(without).filter((o) => o?.shape === 'heart')).toHaveLength(0);
  }, 60_000);
});
