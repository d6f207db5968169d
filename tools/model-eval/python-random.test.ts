import { describe, expect, it } from 'vitest';
import { PythonRandom } from './python-random';

// Reference values from Python 3.11.2:
//   r = random.Random(2024); [r.getrandbits(32) for _ in range(3)]; [r.choice(range(47)) for _ in range(8)]
//   r = random.Random(0); [r.getrandbits(32) for _ in range(2)]
describe('PythonRandom', () => {
  it("matches CPython's getrandbits and choice", () => {
    const r = new PythonRandom(2024);
    expect([r.getrandbits(32), r.getrandbits(32), r.getrandbits(32)]).toEqual([2019024262, 780421486, 3127871324]);
    const items = Array.from({ length: 47 }, (_, i) => i);
    expect(Array.from({ length: 8 }, () => r.choice(items))).toEqual([37, 19, 12, 46, 26, 45, 16, 34]);
    const zero = new PythonRandom(0);
    expect([zero.getrandbits(32), zero.getrandbits(32)]).toEqual([3626764237, 1654615998]);
  });

  it('refuses what it does not implement', () => {
    expect(() => new PythonRandom(-1)).toThrow(RangeError);
    expect(() => new PythonRandom(0).getrandbits(33)).toThrow(RangeError);
    expect(() => new PythonRandom(0).choice([])).toThrow(RangeError);
  });
});
