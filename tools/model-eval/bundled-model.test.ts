// The bundled tiny-shapes model, end to end through the engine: does it draw what the prompt asks for?
// A quick smoke check of quality (npm run eval:model is the full evaluation): two prompts, a batch of 4 each.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src-main/engine';
import { analyseShapes } from './shape-analysis';

const MODEL = join(import.meta.dirname, '..', '..', 'models', 'tiny-shapes');

describe('bundled tiny-shapes model', () => {
  const engine = createEngine({ providers: 'cpu' });
  afterAll(() => engine.dispose());

  it.each([
    ['a red circle at the top left', 'red', 'top left'],
    ['a blue square at the bottom right', 'blue', 'bottom right'],
  ])('%s: at least 3 of 4 images have that colour in that place', async (prompt, color, position) => {
    const { images } = await engine.generate(MODEL, { prompt, seed: 0n, steps: 20, batch: 4 });
    expect(images).toHaveLength(4);
    expect(images[0]).toMatchObject({ width: 128, height: 128 });
    const found = images.map((image) => analyseShapes(image).objects[0]);
    const right = found.filter((o) => o?.color === color && o.position === position);
    expect(right.length, JSON.stringify(found)).toBeGreaterThanOrEqual(3);
  });
});
