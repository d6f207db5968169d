import { describe, expect, it } from 'vitest';
import { unpickle } from './safe-unpickler';

// Hand-assembled protocol-2/4 pickles (opcodes from CPython's pickletools); none of them may call anything.
const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));
const noStorage = () => {
  throw new Error('no storage expected');
};

describe('unpickle', () => {
  it('builds dicts, lists, tuples, strings and numbers', () => {
    // {'a': [1, 2.5, True, None], 'b': ('x',)}
    const data = bytes(
      [0x80, 2],
      '}(',
      [0x8c, 1],
      'a](K',
      [1],
      'G',
      [0x40, 4, 0, 0, 0, 0, 0, 0],
      [0x88],
      'Ne',
      [0x8c, 1],
      'b',
      [0x8c, 1],
      'x',
      [0x85],
      'u.',
    );
    const value = unpickle(data, noStorage) as Map<string, unknown>;
    expect(value.get('a')).toEqual([1, 2.5, true, null]);
    expect((value.get('b') as { items: unknown[] }).items).toEqual(['x']);
  });

  it.each([
    ['GLOBAL posix.system', bytes([0x80, 2], 'cposix\nsystem\n(', [0x8c, 2], 'ls', 'tR.'), /refuses posix\.system/],
    [
      'STACK_GLOBAL builtins.eval',
      bytes([0x80, 4], [0x8c, 8], 'builtins', [0x8c, 4], 'eval', [0x93], '.'),
      /refuses builtins\.eval/,
    ],
    ['NEWOBJ', bytes([0x80, 2], ')', [0x81], '.'), /opcode 0x81 is not allowed/],
    ['INST (protocol 0)', bytes('(ios\nsystem\n.'), /opcode 0x69 is not allowed/],
    ['REDUCE of a string', bytes([0x80, 2], [0x8c, 1], 'x)R.'), /REDUCE of something that is not an allowed function/],
    ['a truncated string', bytes([0x80, 2], 'X', [9, 0, 0, 0], 'ab'), /ends in the middle/],
    ['no STOP', bytes([0x80, 2], '}'), /ends in the middle/],
  ])('refuses %s', (_name, data, message) => {
    expect(() => unpickle(data, noStorage)).toThrow(message);
  });
});
