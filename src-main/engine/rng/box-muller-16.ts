// Box–Muller transform (Box & Muller 1958) over a block of 16 uniforms, as ATen's normal_fill_16 and normal_fill_16_AVX2.
//
// Element j pairs with j + 8: u1 = 1 − d[j] feeds the radius, u2 = d[j + 8] the angle; r·cos θ goes to j and
// r·sin θ to j + 8. Every operation is float32. Torch then applies `· std + mean` with mean 0, which turns a −0
// (radius 0 when u = 0) into +0; `+ 0` below does the same.
import { logf, sincosf } from './cephes-float32';

const f32 = Math.fround;
const HALF = 8;
/** `_mm256_set1_ps(2.0f * pi<double>)`: 2π rounded to float before it multiplies u2. */
const TWO_PI_FLOAT = f32(2 * Math.PI);
const sinCos = new Float32Array(2);

/** ATen's AVX2 kernel (`CPU_CAPABILITY_AVX2`): Cephes log and sincos from avx_mathfun.h. */
export function boxMuller16Avx2(data: Float32Array, offset: number): void {
  for (let j = offset; j < offset + HALF; j++) {
    // 1 − u and −2·log are exact in float32; sqrt via double then float equals float sqrt.
    const radius = f32(Math.sqrt(-2 * logf(1 - data[j])));
    sincosf(f32(TWO_PI_FLOAT * data[j + HALF]), sinCos);
    data[j] = radius * sinCos[1] + 0;
    data[j + HALF] = radius * sinCos[0] + 0;
  }
}

/**
 * ATen's scalar kernel (the default CPU capability): libm logf/cosf/sinf, here the double Math functions rounded
 * to float, which differ from a libm by at most an ulp now and then. θ is `2.0f * pi<double> * u2`: a double
 * product rounded once to float.
 */
export function boxMuller16Scalar(data: Float32Array, offset: number): void {
  for (let j = offset; j < offset + HALF; j++) {
    const radius = f32(Math.sqrt(-2 * f32(Math.log(1 - data[j]))));
    const theta = f32(2 * Math.PI * data[j + HALF]);
    data[j] = radius * f32(Math.cos(theta)) + 0;
    data[j + HALF] = radius * f32(Math.sin(theta)) + 0;
  }
}
