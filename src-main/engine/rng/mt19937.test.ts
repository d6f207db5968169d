import { describe, expect, test } from 'vitest';
import { Mt19937 } from './mt19937';

// Reference values: mt19937ar.c's init_genrand(5489) (also C++'s std::mt19937 default seed), and Python 3:
//   r = random.Random(5489); [r.getrandbits(32) for _ in range(3)]   (Python seeds by init_by_array([5489]))
describe('MT19937', () => {
  test('init_genrand', () => {
    const mt = new Mt19937(5489);
    expect([mt.nextUint32(), mt.nextUint32()]).toEqual([3499211612, 581869302]);
  });

  test('init_by_array, as Python seeds random.Random', () => {
    const mt = Mt19937.fromKey([5489]);
    expect([mt.nextUint32(), mt.nextUint32(), mt.nextUint32()]).toEqual([3382763572, 956215839, 417760592]);
  });

  test('refuses keys that are not uint32', () => {
    expect(() => Mt19937.fromKey([])).toThrow(RangeError);
    expect(() => Mt19937.fromKey([2 ** 32])).toThrow(RangeError);
  });
});
