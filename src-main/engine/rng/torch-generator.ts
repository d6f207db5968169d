// torch.Generator('cpu') + torch.randn(float32): MT19937 uniforms through Box–Muller, as ATen's CPU normal_kernel does.
import { boxMuller16Avx2, boxMuller16Scalar } from './box-muller-16';
import { Mt19937 } from './mt19937';

const MAX_SEED = (1n << 64n) - 1n;
const TWO_POW_32 = 0x100000000;
/** ATen fills tensors of at least this many contiguous floats in blocks of 16; smaller ones go one value at a time. */
const BLOCK = 16;

export type TorchSeed = bigint | number;

/**
 * Which of ATen's float32 kernels to reproduce for n ≥ 16; they differ by about an ulp. `avx2` is what torch runs on
 * any x86 CPU with AVX2 (its AVX512 capability gave the very same values in torch 1.13; all our torch references
 * come from it), `scalar` what its default capability runs (older x86, ARM), up to libm rounding.
 */
export type TorchNormalKernel = 'avx2' | 'scalar';

export interface TorchGeneratorOptions {
  kernel?: TorchNormalKernel;
}

/** Checks a seed the way this generator accepts it: an integer in [0, 2⁶⁴ − 1]. */
export function parseTorchSeed(seed: TorchSeed): bigint {
  if (typeof seed === 'number') {
    // Doubles above 2⁵³ no longer name one integer, so such seeds must come as bigint.
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(
        `seed must be an integer in [0, 2^53 - 1] as a number (a bigint up to 2^64 - 1), got ${seed}`,
      );
    }
    return BigInt(seed);
  }
  if (typeof seed !== 'bigint' || seed < 0n || seed > MAX_SEED) {
    throw new RangeError(`seed must be an integer in [0, 2^64 - 1], got ${String(seed)}`);
  }
  return seed;
}

export class TorchGenerator {
  readonly seed: bigint;
  readonly kernel: TorchNormalKernel;
  private readonly engine: Mt19937;
  private readonly boxMuller16: (data: Float32Array, offset: number) => void;
  /**
   * The second Box–Muller value of the one-at-a-time path. Like torch's `next_double_normal_sample`, it lives on the
   * generator: it carries over into the next call, and the blocks-of-16 path neither reads nor clears it.
   */
  private cachedNormal: number | null = null;

  constructor(seed: TorchSeed, options: TorchGeneratorOptions = {}) {
    this.seed = parseTorchSeed(seed);
    this.kernel = options.kernel ?? 'avx2';
    if (this.kernel !== 'avx2' && this.kernel !== 'scalar') {
      throw new RangeError(`kernel must be 'avx2' or 'scalar', got ${String(this.kernel)}`);
    }
    this.boxMuller16 = this.kernel === 'avx2' ? boxMuller16Avx2 : boxMuller16Scalar;
    // mt19937's init_genrand only ever sees the low 32 bits of torch's 64-bit seed.
    this.engine = new Mt19937(Number(this.seed & 0xffffffffn));
  }

  /** The next `count` values of `torch.randn(shape, generator=g)` for any shape with `count` elements, as float32. */
  randn(count: number): Float32Array {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`count must be a non-negative integer, got ${count}`);
    }
    const out = new Float32Array(count);
    if (count >= BLOCK) this.fillBlocks(out);
    else for (let i = 0; i < count; i++) out[i] = this.nextNormalDouble();
    return out;
  }

  /** ATen `normal_fill`: all uniforms first, then Box–Muller over each block of 16. */
  private fillBlocks(data: Float32Array): void {
    const n = data.length;
    for (let i = 0; i < n; i++) data[i] = this.nextUniformFloat();
    for (let i = 0; i + BLOCK <= n; i += BLOCK) this.boxMuller16(data, i);
    if (n % BLOCK !== 0) {
      // ATen redraws the whole last block rather than handle a partial one, overwriting finished values.
      const start = n - BLOCK;
      for (let i = start; i < n; i++) data[i] = this.nextUniformFloat();
      this.boxMuller16(data, start);
    }
  }

  /** `uniform_real_distribution<float>`: the low 24 bits of one draw, so every value is exact in float32. */
  private nextUniformFloat(): number {
    return (this.engine.nextUint32() & 0xffffff) * 2 ** -24;
  }

  /** `uniform_real_distribution<double>`: the low 53 bits of `random64()`, whose first draw is the high word. */
  private nextUniformDouble(): number {
    const high = this.engine.nextUint32() & 0x1fffff;
    const low = this.engine.nextUint32();
    return (high * TWO_POW_32 + low) * 2 ** -53;
  }

  /**
   * `normal_distribution<double>`: u1 sets the angle, u2 the radius; r·cos θ now, r·sin θ cached for the next
   * element. In double, V8's Math and glibc's libm differ by an ulp at most, which the float result hides (no
   * difference in 1,050,000 values). `+ 0` is torch's `+ mean`, which turns −0 into +0.
   */
  private nextNormalDouble(): number {
    if (this.cachedNormal !== null) {
      const cached = this.cachedNormal;
      this.cachedNormal = null;
      return cached + 0;
    }
    const u1 = this.nextUniformDouble();
    const u2 = this.nextUniformDouble();
    const radius = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.cachedNormal = radius * Math.sin(theta);
    return radius * Math.cos(theta) + 0;
  }
}
