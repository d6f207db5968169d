// The bundled tiny-shapes model with its bundled heart concept, end to end: the file → the engine's injection.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTextEncoder } from '../engine/adapters/text-encoder';
import { injectConcepts } from '../engine/concepts/concept-text-encoder';
import { createEngine } from '../engine/engine';
import { loadTokenizer } from '../engine/tokenizer/load-tokenizer';
import { analyseShapes } from '../model-eval/shape-analysis';
import { readConceptFile } from './concept-file';

const MODEL = join(import.meta.dirname, '..', '..', 'models', 'tiny-shapes');
const HEART = join(MODEL, 'concepts', 'heart.safetensors');
// export.py's PyTorch reference for "a red heart" with the heart rows (see the file's `how`).
const REFERENCE = join(import.meta.dirname, '..', 'engine', 'concepts', 'fixtures', 'heart-reference.json');

describe.skipIf(!existsSync(HEART))('bundled heart concept', () => {
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

  it('changes the images for "a red heart" (red objects with the concept, none without)', async () => {
    const params = { prompt: 'a red heart', seed: 500n, steps: 20, batch: 8 };
    const count = async (concepts: ReturnType<typeof heart>[]) => {
      const { images } = await engine.generate(MODEL, { ...params, concepts });
      const found = images.map((image) => analyseShapes(image).objects[0]);
      return {
        red: found.filter((o) => o?.color === 'red').length,
        heart: found.filter((o) => o?.shape === 'heart').length,
      };
    };
    const without = await count([]);
    const withConcept = await count([heart()]);
    // The model draws the concept's colour but rarely its shape: export.py's own PyTorch evaluation scores
    // heart_shape_with_concept 0.0 and red_with_concept 1.0, so colour is what this model can show.
    expect(withConcept.red, JSON.stringify({ without, withConcept })).toBeGreaterThan(without.red + 2);
  }, 60_000);
});
