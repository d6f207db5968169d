import { describe, expect, it } from 'vitest';
import { findDuplicateKey } from './json-duplicate-keys';

describe('findDuplicateKey', () => {
  it('finds a key repeated in the top object, a nested one, or spelled with an escape', () => {
    expect(findDuplicateKey('{"a":1,"b":2,"a":3}')).toBe('a');
    expect(findDuplicateKey('{"t":{"dtype":"F32","dtype":"F16"}}')).toBe('dtype');
    expect(findDuplicateKey('{"a":1,"\\u0061":2}')).toBe('a');
  });

  it('lets the same key appear in different objects, and key-like strings inside values and arrays', () => {
    expect(findDuplicateKey('{"x":{"a":1},"y":{"a":2},"z":["a","a"],"w":"a"}')).toBeNull();
    expect(findDuplicateKey('{"q\\"":"{\\"a\\":1,\\"a\\":2}","r":[{"a":1},{"a":2}]}')).toBeNull();
  });
});
