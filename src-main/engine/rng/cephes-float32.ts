// Cephes logf/sincosf polynomials as vectorised in avx_mathfun.h (J. Pommier), replayed in float32 as ATen's AVX2 build runs them.
//
// GCC compiles ATen's AVX2 kernels with -mfma and contracts `a * b + c` between intrinsics into one fused
// multiply-add; which products it fuses was matched against torch 1.13's AVX2 build bit for bit. `fma` below
// stands for each such fused operation, so these functions return the very floats torch computes, on any machine.

const f32 = Math.fround;

/** A float32 fused multiply-add a·b + c, for float32 a, b, c. */
export type FusedMultiplyAdd = (a: number, b: number, c: number) => number;

const LOG_P0 = f32(7.0376836292e-2);
const LOG_P1 = f32(-1.151461031e-1);
const LOG_P2 = f32(1.167699874e-1);
const LOG_P3 = f32(-1.2420140846e-1);
const LOG_P4 = f32(1.4249322787e-1);
const LOG_P5 = f32(-1.6668057665e-1);
const LOG_P6 = f32(2.0000714765e-1);
const LOG_P7 = f32(-2.4999993993e-1);
const LOG_P8 = f32(3.3333331174e-1);
const LOG_Q1 = f32(-2.1219444e-4);
const LOG_Q2 = f32(0.693359375);
const SQRT_HALF = f32(Math.SQRT1_2);

const bits = new Uint32Array(1);
const bitsAsFloat = new Float32Array(bits.buffer);

const FOUR_OVER_PI = f32(1.27323954473516);
const MINUS_DP1 = f32(-0.78515625);
const MINUS_DP2 = f32(-2.4187564849853515625e-4);
const MINUS_DP3 = f32(-3.774894977445941e-8);
const COS_P0 = f32(2.443315711809948e-5);
const COS_P1 = f32(-1.388731625493765e-3);
const COS_P2 = f32(4.166664568298827e-2);
const SIN_P0 = f32(-1.9515295891e-4);
const SIN_P1 = f32(8.3321608736e-3);
const SIN_P2 = f32(-1.6666654611e-1);

/** The Cephes functions with `fma` standing for each multiply-add that GCC fused. */
export function cephesFloat32(fma: FusedMultiplyAdd) {
  /** `log256_ps` for one lane, for a normal positive float (the Box–Muller argument 1 − u is always in [2⁻²⁴, 1]). */
  function logf(x: number): number {
    bitsAsFloat[0] = x;
    const word = bits[0];
    let exponent = (word >>> 23) - 126;
    // Keep the mantissa and give it 0.5's exponent: m ∈ [0.5, 1).
    bits[0] = (word & 0x807fffff) | 0x3f000000;
    let m = bitsAsFloat[0];
    // Both branches are exact in float32.
    if (m < SQRT_HALF) {
      exponent -= 1;
      m = m + m - 1;
    } else {
      m = m - 1;
    }
    const z = f32(m * m);
    let y = fma(LOG_P0, m, LOG_P1);
    y = fma(y, m, LOG_P2);
    y = fma(y, m, LOG_P3);
    y = fma(y, m, LOG_P4);
    y = fma(y, m, LOG_P5);
    y = fma(y, m, LOG_P6);
    y = fma(y, m, LOG_P7);
    y = fma(y, m, LOG_P8);
    y = f32(y * m);
    y = fma(y, z, f32(exponent * LOG_Q1));
    // z·0.5 and exponent·q2 are exact, so whether GCC fuses them does not matter.
    y = f32(y - z * 0.5);
    return f32(f32(m + y) + exponent * LOG_Q2);
  }

  /** `sincos256_ps` for one lane and x ≥ 0 (θ = 2π·u): writes sin x to out[0] and cos x to out[1]. */
  function sincosf(x: number, out: Float32Array): void {
    // Octant j (rounded up to even) picks the polynomial and the signs, as in Cephes sinf/cosf.
    const j = (Math.trunc(f32(x * FOUR_OVER_PI)) + 1) & ~1;
    const sinNegative = (j & 4) !== 0;
    const cosNegative = ((j - 2) & 4) === 0;
    const swapPolynomials = (j & 2) !== 0;
    // Cody–Waite reduction with π/4 split in three parts.
    let r = fma(j, MINUS_DP1, x);
    r = fma(j, MINUS_DP2, r);
    r = fma(j, MINUS_DP3, r);
    const z = f32(r * r);

    let cos = fma(COS_P0, z, COS_P1);
    cos = fma(cos, z, COS_P2);
    cos = f32(cos * z);
    cos = fma(cos, z, -(z * 0.5));
    cos = f32(cos + 1);

    let sin = fma(SIN_P0, z, SIN_P1);
    sin = fma(sin, z, SIN_P2);
    sin = f32(sin * z);
    sin = fma(sin, r, r);

    const s = swapPolynomials ? cos : sin;
    const c = swapPolynomials ? sin : cos;
    out[0] = sinNegative ? -s : s;
    out[1] = cosNegative ? -c : c;
  }

  return { logf, sincosf };
}

/**
 * a·b is exact in a double, so `fround(a * b + c)` rounds twice (to double, then to float) and may differ from a
 * true fma when the double lands halfway between two floats. Over the whole Box–Muller domain (all 2²⁴ inputs of
 * each function) that never changes a result (cephes-float32.test.ts checks it), so the cheap form serves.
 */
export const { logf, sincosf } = cephesFloat32((a, b, c) => f32(a * b + c));
