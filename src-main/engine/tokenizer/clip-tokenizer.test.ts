import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ClipTokenizer, cleanPrompt, type TokenizerFiles } from './clip-tokenizer';

// Expectations are written as vocabulary strings; fixtures/README.md says how the tiny files were made.
const fixture = (name: string) => readFileSync(new URL(`./fixtures/tiny/${name}`, import.meta.url), 'utf8');
const tinyFiles: TokenizerFiles = {
  vocabJson: fixture('vocab.json'),
  mergesTxt: fixture('merges.txt'),
  tokenizerConfigJson: fixture('tokenizer_config.json'),
  specialTokensMapJson: fixture('special_tokens_map.json'),
};
const vocab = JSON.parse(tinyFiles.vocabJson) as Record<string, number>;
const ids = (...tokens: string[]) => tokens.map((token) => vocab[token]);
const BOS = 213;
const EOS = 214;
const tiny = () => ClipTokenizer.fromFiles(tinyFiles);

describe('ClipTokenizer on a tiny byte-level vocabulary', () => {
  const tokenizer = tiny();

  it('reads the special ids from the configs', () => {
    expect([tokenizer.bosId, tokenizer.eosId, tokenizer.padId, tokenizer.unkId]).toEqual([BOS, EOS, EOS, EOS]);
    expect(tokenizer.maxLength).toBe(77);
    expect(tokenizer.vocabSize).toBe(215);
  });

  it('merges lowest rank first and marks the end of each word', () => {
    expect(tokenizer.tokenize('a photo of the cat')).toEqual(ids('a</w>', 'photo</w>', 'of</w>', 'the</w>', 'cat</w>'));
    // `h o` (rank 0) wins over `o t</w>` (rank 9).
    expect(tokenizer.tokenize('hot')).toEqual(ids('ho', 't</w>'));
    // One round merges every non-overlapping pair left to right.
    expect(tokenizer.tokenize('aaaaa')).toEqual(ids('aa', 'aa', 'a</w>'));
    expect(tokenizer.tokenize('aaa')).toEqual(ids('aa', 'a</w>'));
    expect(tokenizer.tokenize('(((')).toEqual(ids('((', '(</w>'));
  });

  it('cleans whitespace and case before splitting', () => {
    const expected = ids('a</w>', 'photo</w>', 'of</w>', 'the</w>', 'cat</w>');
    expect(tokenizer.tokenize('  A\tPHOTO\n\nof \u00a0 The\u3000Cat  ')).toEqual(expected);
    expect(cleanPrompt('  A\tPHOTO\n\nof \u00a0 The\u3000Cat  ')).toBe('a photo of the cat');
    expect(tokenizer.tokenize(' \n\t ')).toEqual([]);
  });

  it('splits punctuation runs from letters and numbers one digit at a time', () => {
    expect(tokenizer.tokenize('((cat))')).toEqual(ids('((</w>', 'cat</w>', '))</w>'));
    // A punctuation run is one piece, so `)),` never reaches the `) )</w>` merge.
    expect(tokenizer.tokenize('(cat)), photo!?')).toEqual(
      ids('(</w>', 'cat</w>', ')', ')', ',</w>', 'photo</w>', '!', '?</w>'),
    );
    expect(tokenizer.tokenize('1024x768')).toEqual(
      ids('1</w>', '0</w>', '2</w>', '4</w>', 'x</w>', '7</w>', '6</w>', '8</w>'),
    );
  });

  it('splits the contractions before letter runs, other apostrophes as punctuation', () => {
    expect(tokenizer.tokenize("the cat's")).toEqual(ids('the</w>', 'cat</w>', "'s</w>"));
    expect(tokenizer.tokenize("DON'T")).toEqual(ids('don</w>', "'t</w>"));
    expect(tokenizer.tokenize("cat''s")).toEqual(ids('cat</w>', "'", "'</w>", 's</w>'));
  });

  it('keeps accented letters inside the word, in NFC', () => {
    expect(tokenizer.tokenize('café')).toEqual(ids('cafÃ©</w>'));
    expect(tokenizer.tokenize('cafe\u0301')).toEqual(ids('cafÃ©</w>'));
    expect(tokenizer.tokenize('CAFÉ')).toEqual(ids('cafÃ©</w>'));
  });

  it('maps symbols missing from the vocabulary to the unk id, one per byte', () => {
    expect(tokenizer.tokenize('cat 😀')).toEqual([...ids('cat</w>'), EOS, EOS, EOS, EOS]);
  });

  it('recognises the special tokens written in the prompt', () => {
    expect(tokenizer.tokenize('cat<|endoftext|>the')).toEqual(ids('cat</w>', '<|endoftext|>', 'the</w>'));
    expect(tokenizer.tokenize('<|STARTOFTEXT|>')).toEqual([BOS]);
  });

  it('pads with the end-of-text token (SD 1.x)', () => {
    const inputIds = tokenizer.encode('the cat');
    expect(inputIds).toBeInstanceOf(Int32Array);
    expect(inputIds.length).toBe(77);
    expect(Array.from(inputIds.subarray(0, 4))).toEqual([BOS, ...ids('the</w>', 'cat</w>'), EOS]);
    expect(inputIds.subarray(4).every((id) => id === EOS)).toBe(true);
    expect(Array.from(tokenizer.encode('')).slice(0, 3)).toEqual([BOS, EOS, EOS]);
  });

  it('pads with "!" = id 0 when the map says so (SD 2.x), whatever tokenizer_config says', () => {
    const sd2 = ClipTokenizer.fromFiles({ ...tinyFiles, specialTokensMapJson: '{"pad_token": "!"}' });
    const inputIds = Array.from(sd2.encode('the cat'));
    expect(inputIds.slice(0, 5)).toEqual([BOS, ...ids('the</w>', 'cat</w>'), EOS, 0]);
    expect(inputIds.slice(4).every((id) => id === 0)).toBe(true);
    const fromConfig = ClipTokenizer.fromFiles({
      vocabJson: tinyFiles.vocabJson,
      mergesTxt: tinyFiles.mergesTxt,
      tokenizerConfigJson: '{"pad_token": {"content": "!", "lstrip": false}}',
    });
    expect(fromConfig.padId).toBe(0);
  });

  it('truncates a long prompt to maxLength - 2 tokens and keeps the end-of-text token last', () => {
    const prompt = Array.from({ length: 100 }, (_, i) => (i % 2 ? 'cat' : 'photo')).join(', ');
    expect(tokenizer.tokenCount(prompt)).toBe(199);
    const inputIds = tokenizer.encode(prompt);
    expect(inputIds.length).toBe(77);
    expect(inputIds[0]).toBe(BOS);
    expect(Array.from(inputIds.subarray(1, 76))).toEqual(tokenizer.tokenize(prompt).slice(0, 75));
    expect(inputIds[76]).toBe(EOS);

    const exactly75 = Array.from({ length: 75 }, () => 'cat').join(' ');
    expect(Array.from(tokenizer.encode(exactly75).subarray(75))).toEqual([...ids('cat</w>'), EOS]);
  });

  it('uses model_max_length from tokenizer_config.json', () => {
    const short = ClipTokenizer.fromFiles({ ...tinyFiles, tokenizerConfigJson: '{"model_max_length": 4}' });
    expect(Array.from(short.encode('a photo of the cat'))).toEqual([BOS, ...ids('a</w>', 'photo</w>'), EOS]);
    const unbounded = ClipTokenizer.fromFiles({ ...tinyFiles, tokenizerConfigJson: '{"model_max_length": 1e30}' });
    expect(unbounded.maxLength).toBe(77);
  });

  it('decodes ids back to cleaned text', () => {
    expect(tokenizer.decode(tokenizer.tokenize("  The CAT's  café, 1024 "))).toBe("the cat 's café , 1 0 2 4");
  });
});

describe('ClipTokenizer added tokens (textual-inversion triggers)', () => {
  it('maps a whole-word trigger to its new ids, case-insensitively', () => {
    const tokenizer = tiny();
    expect(tokenizer.addTokens(['sks', 'zwx'])).toEqual([215, 216]);
    expect(tokenizer.vocabSize).toBe(217);
    expect(tokenizer.tokenize('a photo of SKS, zwx cat')).toEqual([
      ...ids('a</w>', 'photo</w>', 'of</w>'),
      215,
      ...ids(',</w>'),
      216,
      ...ids('cat</w>'),
    ]);
    // Inside a longer word the trigger is ordinary text.
    expect(tokenizer.tokenize('sksx')).toEqual(ids('s', 'k', 's', 'x</w>'));
    expect(tokenizer.tokenize('xsks')).toEqual(ids('x', 's', 'k', 's</w>'));
  });

  it('expands a trigger to n consecutive ids, punctuation and all', () => {
    const tokenizer = tiny();
    expect(tokenizer.addTrigger('<My-Style>', 3)).toEqual([215, 216, 217]);
    expect(tokenizer.addTrigger('cat', 2)).toEqual([218, 219]);
    expect(tokenizer.tokenize('the <my-style> cat')).toEqual([...ids('the</w>'), 215, 216, 217, 218, 219]);
    expect(tokenizer.tokenCount('<MY-STYLE>')).toBe(3);
    expect(tokenizer.encode('<my-style>').subarray(0, 5)).toEqual(Int32Array.from([BOS, 215, 216, 217, EOS]));
    expect(tokenizer.decode(tokenizer.tokenize('the <my-style> cat'))).toBe('the <my-style> cat');
  });

  it('prefers the longest trigger and keeps adding idempotent', () => {
    const tokenizer = tiny();
    tokenizer.addTrigger('sks', 1);
    tokenizer.addTrigger('sks-v2', 2);
    expect(tokenizer.tokenize('sks-v2 sks')).toEqual([216, 217, 215]);
    expect(tokenizer.addTrigger('SKS', 1)).toEqual([215]);
    expect(() => tokenizer.addTrigger('sks', 4)).toThrow(/already has 1 ids/);
    expect(() => tokenizer.addTrigger('  ', 1)).toThrow(/non-space/);
    expect(() => tokenizer.addTrigger('x', 0)).toThrow(/n ≥ 1/);
  });
});
