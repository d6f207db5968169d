import { describe, expect, it } from 'vitest';
import { parseTokenizerFiles } from './tokenizer-files';

const vocabJson = JSON.stringify({
  '!': 0,
  a: 1,
  b: 2,
  'a</w>': 3,
  'b</w>': 4,
  'ab</w>': 5,
  '<|startoftext|>': 6,
  '<|endoftext|>': 7,
});
const mergesTxt = '#version: 0.2\na b</w>\n';

describe('parseTokenizerFiles', () => {
  it('defaults to CLIP special tokens and 77 positions when the configs are absent', () => {
    const parsed = parseTokenizerFiles({ vocabJson, mergesTxt });
    expect(parsed.special).toEqual({
      bos: '<|startoftext|>',
      eos: '<|endoftext|>',
      pad: '<|endoftext|>',
      unk: '<|endoftext|>',
    });
    expect(parsed.maxLength).toBe(77);
    expect([...parsed.ranks]).toEqual([['a b</w>', 0]]);
  });

  it('lets special_tokens_map.json override tokenizer_config.json', () => {
    const parsed = parseTokenizerFiles({
      vocabJson,
      mergesTxt,
      tokenizerConfigJson: '{"pad_token": "<|endoftext|>", "model_max_length": 64}',
      specialTokensMapJson: '{"pad_token": {"content": "!", "normalized": false}}',
    });
    expect(parsed.special.pad).toBe('!');
    expect(parsed.maxLength).toBe(64);
  });

  it('accepts CRLF merges and ignores blank lines', () => {
    const parsed = parseTokenizerFiles({ vocabJson, mergesTxt: '#version: 0.2\r\na b</w>\r\n\r\n' });
    expect(parsed.ranks.get('a b</w>')).toBe(0);
  });

  it.each([
    [{ vocabJson: '{"a": 1,' }, /^vocab\.json: not valid JSON/],
    [{ vocabJson: '[1, 2]' }, /^vocab\.json: expected an object/],
    [{ vocabJson: '{"a": 1.5}' }, /^vocab\.json: id of "a" is not a non-negative integer/],
    [{ mergesTxt: '#version: 0.2\na b</w>\nab\n' }, /^merges\.txt line 3: expected two symbols/],
    [{ mergesTxt: '#version: 0.2\n' }, /^merges\.txt: no merges/],
    [{ tokenizerConfigJson: '{"pad_token": 5}' }, /^tokenizer_config\.json: pad_token must be a string/],
    [{ tokenizerConfigJson: '{"model_max_length": "77"}' }, /^tokenizer_config\.json: model_max_length/],
    [{ specialTokensMapJson: 'null' }, /^special_tokens_map\.json: expected a JSON object/],
    [{ specialTokensMapJson: '{"pad_token": "<pad>"}' }, /pad_token "<pad>" is not in vocab\.json/],
  ])('rejects a malformed file: %j', (override, message) => {
    expect(() => parseTokenizerFiles({ vocabJson, mergesTxt, ...override })).toThrow(message);
  });
});
