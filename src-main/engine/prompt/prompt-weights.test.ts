// A1111's parse_prompt_attention: its own docstring examples (v1.x, modules/prompt_parser.py) and every rule in
// prompt-weights.ts's header. Expected weights are the float64 products Python computes (1.1·1.1 = 1.2100000000000002).
import { describe, expect, test } from 'vitest';
import { isBreak, isPlainPrompt, parsePromptAttention } from './prompt-weights';

const parse = (text: string) => parsePromptAttention(text).map((f) => [f.text, f.weight]);

describe('parsePromptAttention', () => {
  test.each([
    ['normal text', [['normal text', 1]]],
    [
      'an (important) word',
      [
        ['an ', 1],
        ['important', 1.1],
        [' word', 1],
      ],
    ],
    ['(unbalanced', [['unbalanced', 1.1]]],
    ['\\(literal\\]', [['(literal]', 1]]],
    ['(unnecessary)(parens)', [['unnecessaryparens', 1.1]]],
    [
      'a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).',
      [
        ['a ', 1],
        ['house', 1.5730000000000004],
        [' ', 1.1],
        ['on', 1],
        [' a ', 1.1],
        ['hill', 0.55],
        [', sun, ', 1.1],
        ['sky', 1.4641000000000006],
        ['.', 1.1],
      ],
    ],
  ])("A1111's docstring: %s", (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  test.each([
    ['((x))', [['x', 1.2100000000000002]]],
    ['[x]', [['x', 1 / 1.1]]],
    ['[[x]]', [['x', 1 / 1.1 / 1.1]]],
    [
      '(a:1.5) b',
      [
        ['a', 1.5],
        [' b', 1],
      ],
    ],
    [
      '(a: 1.5 ) b',
      [
        ['a', 1.5],
        [' b', 1],
      ],
    ],
    ['(a:-0.5)', [['a', -0.5]]],
    ['(a:.5)', [['a', 0.5]]],
    [
      '((a:2) b)',
      [
        ['a', 2.2],
        [' b', 1.1],
      ],
    ],
    ['[(a:2)]', [['a', 2 / 1.1]]],
    [
      'x (a [b] c)',
      [
        ['x ', 1],
        ['a ', 1.1],
        ['b', 1.1 / 1.1],
        [' c', 1.1],
      ],
    ],
  ])('weights: %s', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  test.each([
    ['a) b', [['a) b', 1]]],
    ['a] b', [['a] b', 1]]],
    ['a:1.2) b', [['a:1.2) b', 1]]],
    ['[a', [['a', 1 / 1.1]]],
    ['([a', [['a', (1 / 1.1) * 1.1]]],
    ['[(a', [['a', 1.1 * (1 / 1.1)]]],
    ['(a]', [['a]', 1.1]]],
    [
      'time: 3 (x:y)',
      [
        ['time: 3 ', 1],
        ['x:y', 1.1],
      ],
    ],
    ['(a:1.2.3)', [['a:1.2.3)', 1.1]]],
  ])('unbalanced and stray brackets: %s', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  test.each([
    ['\\(a\\)', [['(a)', 1]]],
    ['\\[a\\]', [['[a]', 1]]],
    ['a \\\\ b', [['a \\ b', 1]]],
    ['a\\b', [['ab', 1]]],
    ['(\\(a\\))', [['(a)', 1.1]]],
  ])('escapes: %s', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  test('BREAK splits plain text, takes its spaces, and only as a whole upper-case word', () => {
    expect(parse('a cat BREAK a dog')).toEqual([
      ['a cat', 1],
      ['BREAK', -1],
      ['a dog', 1],
    ]);
    expect(parse('(red) BREAK blue').map(([t]) => t)).toEqual(['red', '', 'BREAK', 'blue']);
    expect(parse('BREAKING break')).toEqual([['BREAKING break', 1]]);
    expect(parsePromptAttention('a BREAK b').filter(isBreak)).toHaveLength(1);
    // Inside a group the marker is multiplied like text and stops being one (A1111 then reads the word "break").
    const grouped = parsePromptAttention('(x BREAK y)');
    expect(grouped.filter(isBreak)).toHaveLength(0);
    expect(grouped.map((f) => [f.text, f.weight])).toEqual([
      ['x', 1.1],
      ['BREAK', -1.1],
      ['y', 1.1],
    ]);
  });

  test('empty prompt, and plain prompts are recognised', () => {
    expect(parse('')).toEqual([['', 1]]);
    for (const plain of ['a red circle', 'ratio 16:9, time: 3', '', '  spaced  '])
      expect(isPlainPrompt(plain), plain).toBe(true);
    for (const syntax of ['(a)', 'a [b]', '\\(a', 'a BREAK b', '(a:1)']) expect(isPlainPrompt(syntax)).toBe(false);
  });
});
