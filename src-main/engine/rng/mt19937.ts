// Mersenne Twister MT19937 (Matsumoto & Nishimura 1998), seeded with init_genrand as torch's CPU generator does, or
// with init_by_array as Python's random.Random does.

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

export class Mt19937 {
  private readonly state = new Uint32Array(N);
  private index = N;

  /** `seed` is taken modulo 2³², exactly as torch keeps only the low 32 bits of its 64-bit seed. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`mt19937 seed must be a non-negative safe integer, got ${seed}`);
    }
    const mt = this.state;
    mt[0] = seed % 0x100000000;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      // Math.imul keeps the 32-bit wrap-around product that C's uint32_t arithmetic gives.
      mt[i] = Math.imul(1812433253, prev) + i;
    }
  }

  /** The reference init_by_array(key): how Python's random.Random seeds from an integer's 32-bit digits. */
  static fromKey(key: readonly number[]): Mt19937 {
    if (key.length === 0 || key.some((k) => !Number.isInteger(k) || k < 0 || k >= 2 ** 32)) {
      throw new RangeError('mt19937 key must be a non-empty array of uint32');
    }
    const generator = new Mt19937(19650218);
    const mt = generator.state;
    let [i, j] = [1, 0];
    for (let k = Math.max(N, key.length); k > 0; k--) {
      mt[i] = ((mt[i] ^ Math.imul(mt[i - 1] ^ (mt[i - 1] >>> 30), 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) [mt[0], i] = [mt[N - 1], 1];
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      mt[i] = ((mt[i] ^ Math.imul(mt[i - 1] ^ (mt[i - 1] >>> 30), 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) [mt[0], i] = [mt[N - 1], 1];
    }
    // Assures a non-zero initial state, as the reference does.
    mt[0] = 0x80000000;
    return generator;
  }

  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const mt = this.state;
    for (let i = 0; i < N; i++) {
      const next = i + 1 < N ? i + 1 : 0;
      const far = i + M < N ? i + M : i + M - N;
      const y = (mt[i] & UPPER_MASK) | (mt[next] & LOWER_MASK);
      mt[i] = mt[far] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.index = 0;
  }
}
