import { describe, expect, test } from 'vitest';
import { parseAxisValues, splitList, type XyAxisKind } from './xy-axis-values';

const values = (kind: XyAxisKind, text: string) => {
  const parsed = parseAxisValues(kind, text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.axis.values;
};
const error = (kind: XyAxisKind, text: string) => {
  const parsed = parseAxisValues(kind, text);
  if (parsed.ok) throw new Error(`expected an error, got ${JSON.stringify(parsed.axis.values)}`);
  return parsed.error;
};

describe('comma lists', () => {
  test('items are trimmed, empty ones dropped, quotes keep commas', () => {
    expect(splitList(' red ,green,, "light, blue" ')).toEqual(['red', 'green', 'light, blue']);
  });
});

describe('ranges, as A1111 writes them', () => {
  test('1-5 counts by one, ends included', () => {
    expect(values('steps', '1-5')).toEqual([1, 2, 3, 4, 5]);
  });
  test('1-10 (+2) steps by two and stops before passing the end', () => {
    expect(values('steps', '1-10 (+2)')).toEqual([1, 3, 5, 7, 9]);
  });
  test('a negative step counts down', () => {
    expect(values('steps', '10-4 (-3)')).toEqual([10, 7, 4]);
  });
  test('1.0-2.0 [3] spreads three values evenly', () => {
    expect(values('guidance', '1.0-2.0 [3]')).toEqual([1, 1.5, 2]);
  });
  test('fractional steps read as typed, without float noise', () => {
    expect(values('guidance', '0.1-0.5 (+0.1)')).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
  });
  test('count form on an integer axis truncates, as A1111 does', () => {
    expect(values('steps', '10-20 [4]')).toEqual([10, 13, 16, 20]);
  });
  test('ranges and single values mix', () => {
    expect(values('seed', '1, 5-7, 100')).toEqual(['1', '5', '6', '7', '100']);
  });
});

describe('each axis checks its own values', () => {
  test('steps and guidance within the generation limits', () => {
    expect(error('steps', '10, 200')).toBe('Steps 200 is out of range: 1 to 150');
    expect(error('guidance', '-1, 3')).toBe('Guidance -1 is out of range: 0 to 50');
  });
  test('whole-number axes refuse fractions', () => {
    expect(error('steps', '2.5')).toBe('"2.5": this axis takes whole numbers');
    expect(error('seed', '1.5-3')).toBe('"1.5-3": this axis takes whole numbers');
  });
  test('strength above 0 and at most 1', () => {
    expect(values('strength', '0.25-1 [4]')).toEqual([0.25, 0.5, 0.75, 1]);
    expect(error('strength', '0, 0.5')).toBe('Strength 0 is out of range: above 0, at most 1');
  });
  test('schedulers by id, label or A1111 name, any case', () => {
    expect(values('scheduler', 'euler, Euler a, dpm++ 2m karras, PLMS')).toEqual([
      'euler',
      'euler-a',
      'dpmpp-2m-karras',
      'pndm',
    ]);
    expect(error('scheduler', 'euler, heun')).toMatch(/^Unknown scheduler "heun": one of PNDM, DDIM, Euler/);
  });
  test('prompt S/R needs the search term and at least one replacement', () => {
    expect(values('prompt', 'red, green, blue')).toEqual(['red', 'green', 'blue']);
    expect(error('prompt', 'red')).toMatch(/word to replace first/);
  });
});

describe('malformed input says what is wrong', () => {
  test.each([
    ['steps', '', 'Give at least one value'],
    ['steps', ' , ', 'Give at least one value'],
    ['steps', 'ten', '"ten" is not a number or a range (1-5, 1-10 (+2), 1-2 [3])'],
    ['steps', '1-10 (+0)', '"1-10 (+0)": the step must not be 0'],
    ['steps', '10-1 (+2)', '"10-1 (+2)": a step of 2 never gets from 10 to 1'],
    ['guidance', '1-2 [0]', '"1-2 [0]": the count in [ ] must be at least 1'],
    ['seed', '1-1000', '"1-1000" makes 1000 values; at most 64 per axis'],
    ['guidance', '1-2 [500]', '"1-2 [500]" makes 500 values; at most 64 per axis'],
    ['steps', '1-40, 1-40', '80 values; at most 64 per axis'],
  ] as const)('%s "%s"', (kind, text, message) => {
    expect(error(kind, text)).toBe(message);
  });
});
