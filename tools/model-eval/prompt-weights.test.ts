// Prompt weighting and long prompts on the bundled tiny-shapes model: the effect shows in the pixels.
// Redness = pixels whose R exceeds max(G, B) by more than 60, over a batch of 4 from seed 7, 12 steps.
// With "a (red:w) circle" alone this model draws a red circle at any w from 0.5 to 2 (red pixels 3858 at 0.5,
// 3582 unweighted, 3747 at 1.5; the weight moves the background instead), so the test sets red against blue,
// where the weight decides: "a (red:0.5) blue circle" 2 red pixels, "a (red:1.5) blue circle" 2696.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src-main/engine';
import type { RgbImage } from './shape-analysis';

const MODEL = join(import.meta.dirname, '..', '..', 'models', 'tiny-shapes');

function redness(images: readonly RgbImage[]): number {
  let red = 0;
  for (const { rgb } of images)
    for (let i = 0; i < rgb.length; i += 3) if (rgb[i] - Math.max(rgb[i + 1], rgb[i + 2]) > 60) red++;
  return red;
}

describe('prompt syntax on the bundled model', () => {
  const engine = createEngine({ providers: 'cpu' });
  afterAll(() => engine.dispose());
  const run = (prompt: string, negative?: string) =>
    engine.generate(MODEL, { prompt, negative, seed: 7n, steps: 12, batch: 4 });

  it('"a (red:1.5) blue circle" is red where "a (red:0.5) blue circle" is not, from the same seed', async () => {
    const strong = redness((await run('a (red:1.5) blue circle')).images);
    const weak = redness((await run('a (red:0.5) blue circle')).images);
    expect(strong).toBeGreaterThan(2000);
    expect(weak).toBeLessThan(100);
    // And the other way round: weakening "blue" lets the red through.
    expect(redness((await run('a red (blue:0.5) circle')).images)).toBeGreaterThan(
      redness((await run('a red (blue:1.5) circle')).images) + 500,
    );
  });

  it('a long prompt (two chunks) runs against a short negative, padded with an empty chunk', async () => {
    const prompt = `a red circle at the top left, ${'plain background, '.repeat(30)}BREAK a red circle`;
    const result = await run(prompt, 'blue');
    expect(result.warnings).toEqual([]);
    expect(result.images).toHaveLength(4);
    expect(result.settings.prompt).toBe(prompt);
  });
});
