import { expect, test } from 'vitest';
import { combined, parseSearch } from './search-query';

test.each([
  ['castle hill', '"castle" "hill"', null],
  ['"oil painting" knight*', '"oil painting" "knight"*', null],
  ['"oil pai"*', '"oil pai"*', null],
  ['fox -night -"blue sky"', '"fox"', '"night" OR "blue sky"'],
  ['-dog', null, '"dog"'],
  ['say"what', '"say" "what"', null],
  ['a"b"c', '"a" "b" "c"', null],
  ['( ) * - "" ^', null, null],
  ['NEAR(x OR y)', '"NEAR(x" "OR" "y)"', null],
])('%s', (input, match, exclude) => {
  expect(parseSearch(input)).toEqual({ match, exclude });
});

test('exclusions join the match as one FTS5 expression when there is something to match', () => {
  expect(combined(parseSearch('fox -night'))).toBe('("fox") NOT ("night")');
  expect(combined(parseSearch('fox'))).toBe('"fox"');
  expect(combined(parseSearch('-night'))).toBeNull();
});
