import { expect, test } from 'vitest';
import { alphaCumprodAt, predictedOriginal } from './predicted-original';

// Hand computation with ᾱ = 0.64: √ᾱ = 0.8, √(1−ᾱ) = 0.6.
const xt = new Float32Array([1, -0.5]);
const output = new Float32Array([0.5, 2]);

test('ε-prediction: x̂₀ = (x_t − √(1−ᾱ)·ε)/√ᾱ', () => {
  // (1 − 0.3)/0.8 = 0.875; (−0.5 − 1.2)/0.8 = −2.125
  expect(Array.from(predictedOriginal('epsilon', xt, output, 0.64))).toEqual([0.875, -2.125].map(Math.fround));
});

test('v-prediction: x̂₀ = √ᾱ·x_t − √(1−ᾱ)·v', () => {
  // 0.8 − 0.3 = 0.5; −0.4 − 1.2 = −1.6
  const x0 = predictedOriginal('v_prediction', xt, output, 0.64);
  expect(x0[0]).toBeCloseTo(0.5, 6);
  expect(x0[1]).toBeCloseTo(-1.6, 6);
});

test('x₀-prediction is the output itself', () => {
  expect(Array.from(predictedOriginal('sample', xt, output, 0.64))).toEqual([0.5, 2]);
});

test('ᾱ at whole timesteps indexes the schedule; between two it interpolates σ linearly', () => {
  const alphas = new Float32Array([0.8, 0.5]); // σ² = 0.25 and 1: σ = 0.5 and 1
  expect(alphaCumprodAt(alphas, 1)).toBe(alphas[1]);
  // σ(0.5) = 0.75 → ᾱ = 1/(1 + 0.5625)
  expect(alphaCumprodAt(alphas, 0.5)).toBeCloseTo(1 / 1.5625, 6);
});
