// Masked img2img ("inpaint with any model") on the bundled tiny-shapes model: a drawn 128×128 init image (a red
// circle on the left of a blue background) with its right half masked, prompted "a green square on the right",
// seed 3, 20 DDIM steps, strength 1, mask blur 4 (σ = 4 px, so the blend band reaches ⌈3σ⌉ = 12 px past the mask).
// Measured (CPU): 0 pixels changed left of x = 52, all 8192 of the right half changed, 1004 green pixels in the right
// half and 0 in the left; keeping the decoded pixels instead changes all 6656 pixels left of x = 52 (VAE round trip).
// "Only masked" with an 8 × 8 corner square and padding 8 (same prompt and seed): 0 pixels changed outside the
// 40 × 40 crop, all 64 of the square changed.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, type GenerateParams } from '../../src-main/engine';
import { COLORS } from './tiny-shapes-world';

const MODEL = join(import.meta.dirname, '..', '..', 'models', 'tiny-shapes');
const SIZE = 128;
const BAND = 12;

function drawInit(): Uint8Array {
  const rgb = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const colour = (x - 32) ** 2 + (y - 64) ** 2 <= 20 ** 2 ? COLORS.red : COLORS.blue;
      rgb.set(colour, (y * SIZE + x) * 3);
    }
  return rgb;
}

function rightHalf(): Uint8Array {
  const grey = new Uint8Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) grey.fill(255, y * SIZE + SIZE / 2, (y + 1) * SIZE);
  return grey;
}

/** Pixels of the columns [x0, x1) for which `test` holds. */
function count(rgb: Uint8Array, x0: number, x1: number, test: (r: number, g: number, b: number) => boolean) {
  let n = 0;
  for (let y = 0; y < SIZE; y++)
    for (let x = x0; x < x1; x++) {
      const o = (y * SIZE + x) * 3;
      if (test(rgb[o], rgb[o + 1], rgb[o + 2])) n++;
    }
  return n;
}

function differing(a: Uint8Array, b: Uint8Array, x0: number, x1: number): number {
  let n = 0;
  for (let y = 0; y < SIZE; y++)
    for (let x = x0; x < x1; x++) {
      const o = (y * SIZE + x) * 3;
      if (a[o] !== b[o] || a[o + 1] !== b[o + 1] || a[o + 2] !== b[o + 2]) n++;
    }
  return n;
}

const isGreen = (r: number, g: number, b: number) => g - Math.max(r, b) > 40;

describe('inpainting with the bundled model', () => {
  const engine = createEngine({ providers: 'cpu' });
  afterAll(() => engine.dispose());
  const init = { width: SIZE, height: SIZE, data: drawInit() };
  const mask = { width: SIZE, height: SIZE, data: rightHalf() };
  const params: GenerateParams = {
    prompt: 'a green square on the right',
    seed: 3n,
    steps: 20,
    strength: 1,
    initImage: init,
    mask,
  };

  it('repaints only inside the mask and draws the prompted shape there', async () => {
    const result = await engine.generate(MODEL, params);
    const [image] = result.images;
    const keptZone = SIZE / 2 - BAND;
    const outsideChanged = differing(image.rgb, init.data, 0, keptZone);
    const insideChanged = differing(image.rgb, init.data, SIZE / 2, SIZE);
    const greenInside = count(image.rgb, SIZE / 2, SIZE, isGreen);
    const greenOutside = count(image.rgb, 0, SIZE / 2, isGreen);
    expect(outsideChanged).toBe(0);
    expect(insideChanged).toBeGreaterThan(1000);
    expect(greenInside).toBeGreaterThan(300);
    expect(greenOutside).toBe(0);
    expect(result.settings.mask).toEqual({
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      blur: 4,
      keepDecoded: false,
    });

    // Keeping the decoded pixels: the left half is the VAE's round trip of the kept latents, no longer exact.
    const kept = await engine.generate(MODEL, { ...params, keepDecoded: true });
    const decodedOutside = differing(kept.images[0].rgb, init.data, 0, keptZone);
    expect(decodedOutside).toBeGreaterThan(0);
    expect(differing(kept.images[0].rgb, image.rgb, SIZE / 2 + BAND, SIZE)).toBe(0);
  });

  it("'whole', said explicitly, is the default's pixels", async () => {
    const byDefault = await engine.generate(MODEL, params);
    const whole = await engine.generate(MODEL, { ...params, inpaintArea: 'whole', inpaintPadding: 8 });
    expect(Buffer.from(whole.images[0].rgb).equals(Buffer.from(byDefault.images[0].rgb))).toBe(true);
    expect(whole.settings.mask).toEqual(byDefault.settings.mask);
  });

  it("'only masked' repaints the corner's crop at full size and touches nothing outside it", async () => {
    // An 8 × 8 square at (108, 108): blurred (σ 4, reach 12) its box is [96, 128)², padded by 8 [88, 128)², square
    // already, so the 40 × 40 corner is repainted at 128 × 128 and scaled back.
    const corner = new Uint8Array(SIZE * SIZE);
    for (let y = 108; y < 116; y++) corner.fill(255, y * SIZE + 108, y * SIZE + 116);
    const result = await engine.generate(MODEL, {
      ...params,
      mask: { width: SIZE, height: SIZE, data: corner },
      inpaintArea: 'masked',
      inpaintPadding: 8,
    });
    const rgb = result.images[0].rgb;
    let outsideChanged = 0;
    let maskChanged = 0;
    for (let y = 0; y < SIZE; y++)
      for (let x = 0; x < SIZE; x++) {
        const o = (y * SIZE + x) * 3;
        const same = [0, 1, 2].every((c) => rgb[o + c] === init.data[o + c]);
        if ((x < 88 || y < 88) && !same) outsideChanged++;
        if (x >= 108 && x < 116 && y >= 108 && y < 116 && !same) maskChanged++;
      }
    expect(outsideChanged).toBe(0);
    expect(maskChanged).toBeGreaterThan(32);
    expect(result.settings.mask).toMatchObject({ blur: 4, inpaintArea: 'masked', inpaintPadding: 8 });
  });
});
