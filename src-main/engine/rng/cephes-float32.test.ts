import { describe, expect, it } from 'vitest';
import { cephesFloat32, logf, sincosf } from './cephes-float32';

const f32 = Math.fround;

/** A true single-rounding float32 fma, to check the cheap one the module uses. */
function exactFma(a: number, b: number, c: number): number {
  const product = a * b;
  const sum = product + c;
  const rounded = f32(sum);
  // Double rounding can only go wrong when the double sum sits exactly halfway between two floats.
  if (rounded === sum || f32(2 * sum - rounded) !== 2 * sum - rounded) return rounded;
  const t = sum - product;
  const error = product - (sum - t) + (c - t);
  if (error === 0) return rounded;
  // Step one or two doubles off the halfway point, towards the exact value, and round again.
  return f32(sum + Math.sign(error) * Math.abs(sum) * 2 ** -52);
}

describe('exactFma (the yardstick)', () => {
  it('rounds once where a double sum would land halfway between two floats', () => {
    // (1 + 2⁻¹²)² = 1 + 2⁻¹¹ + 2⁻²⁴ is halfway between floats; ±2⁻⁸⁰ decides, but a double drops it.
    const a = f32(1 + 2 ** -12);
    expect(f32(a * a + 2 ** -80)).toBe(1 + 2 ** -11);
    expect(exactFma(a, a, 2 ** -80)).toBe(1 + 2 ** -11 + 2 ** -23);
    expect(exactFma(a, a, -(2 ** -80))).toBe(1 + 2 ** -11);
    expect(exactFma(a, a, 0)).toBe(1 + 2 ** -11);
    expect(exactFma(-a, a, -(2 ** -80))).toBe(-(1 + 2 ** -11 + 2 ** -23));
  });
});

describe('Cephes float32 functions', () => {
  // Box–Muller feeds logf with 1 − k·2⁻²⁴ and sincosf with fround(fround(2π)·k·2⁻²⁴), k < 2²⁴. The full sweep
  // (RNG_EXHAUSTIVE=1, about 6 s) found no difference; the default run samples every 61st k.
  const step = process.env.RNG_EXHAUSTIVE ? 1 : 61;
  it(`give the same floats with a true fma on the Box–Muller domain (every ${step}. input)`, () => {
    const exact = cephesFloat32(exactFma);
    const twoPi = f32(2 * Math.PI);
    const ours = new Float32Array(2);
    const reference = new Float32Array(2);
    let differences = 0;
    for (let k = 0; k < 2 ** 24; k += step) {
      const u = k * 2 ** -24;
      if (logf(1 - u) !== exact.logf(1 - u)) differences++;
      const theta = f32(twoPi * u);
      sincosf(theta, ours);
      exact.sincosf(theta, reference);
      if (ours[0] !== reference[0] || ours[1] !== reference[1]) differences++;
    }
    expect(differences).toBe(0);
  });

  it('stay within 2 ulp of log, sin and cos', () => {
    const sinCos = new Float32Array(2);
    let worst = 0;
    for (let k = 1; k < 4096; k++) {
      const u = k / 4096;
      const log = Math.log(u);
      worst = Math.max(worst, Math.abs(logf(u) - log) / (2 ** Math.floor(Math.log2(Math.abs(log))) * 2 ** -23));
      const theta = f32(2 * Math.PI * u);
      sincosf(theta, sinCos);
      // Near a zero of sin or cos the ulp of the true value is tiny, so measure in ulps of 1 (2⁻²³ · ½).
      const halfUlpOfOne = 2 ** -24;
      worst = Math.max(worst, Math.abs(sinCos[0] - Math.sin(theta)) / halfUlpOfOne);
      worst = Math.max(worst, Math.abs(sinCos[1] - Math.cos(theta)) / halfUlpOfOne);
    }
    expect(worst).toBeLessThanOrEqual(2);
  });
});
