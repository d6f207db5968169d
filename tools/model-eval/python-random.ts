// Python's random.Random for what the tiny-shapes recipe draws with it: getrandbits(k ≤ 32) and choice(), so that
// evaluate.py's prompt grid is reproduced exactly. The generator underneath is the engine's MT19937.
import { Mt19937 } from '../../src-main/engine/rng/mt19937';

export class PythonRandom {
  private readonly generator: Mt19937;

  /** random.Random(seed) for an integer seed 0 ≤ seed < 2³²: Python seeds by init_by_array([seed]). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new RangeError('seed must be a uint32');
    this.generator = Mt19937.fromKey([seed]);
  }

  /** random.getrandbits(k) for 1 ≤ k ≤ 32. */
  getrandbits(k: number): number {
    if (k < 1 || k > 32) throw new RangeError('getrandbits: 1 ≤ k ≤ 32 only');
    return this.generator.nextUint32() >>> (32 - k);
  }

  /** random.choice(items): _randbelow by rejection on getrandbits(bit length of n). */
  choice<T>(items: readonly T[]): T {
    const n = items.length;
    if (n === 0) throw new RangeError('choice from an empty sequence');
    const k = 32 - Math.clz32(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return items[r];
  }
}
