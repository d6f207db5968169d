// GPT-2 byte-level alphabet (Radford et al. 2019, `bytes_to_unicode`): each UTF-8 byte becomes one printable symbol.

/**
 * Byte → symbol table. Printable Latin-1 bytes keep their own character; the other 68 bytes (controls, space,
 * soft hyphen, …) are shifted to U+0100 upwards in byte order, so every vocabulary symbol is visible and no
 * symbol is whitespace — merges.txt can then use a space as its separator.
 */
function buildByteSymbols(): string[] {
  const symbols = new Array<string>(256);
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++) {
    const printable =
      (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
    symbols[byte] = String.fromCharCode(printable ? byte : 256 + shifted++);
  }
  return symbols;
}

const BYTE_SYMBOLS = buildByteSymbols();
const BYTE_SYMBOL_TO_BYTE = new Map(BYTE_SYMBOLS.map((symbol, byte) => [symbol, byte]));
const utf8 = new TextEncoder();

/** The byte-level symbols of a piece of text, one per UTF-8 byte. */
export function toByteSymbols(text: string): string[] {
  const bytes = utf8.encode(text);
  const symbols = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) symbols[i] = BYTE_SYMBOLS[bytes[i]];
  return symbols;
}

/** Inverse of {@link toByteSymbols} for a string of symbols; non-alphabet characters are dropped. */
export function fromByteSymbols(symbols: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of symbols) {
    const byte = BYTE_SYMBOL_TO_BYTE.get(char);
    if (byte !== undefined) bytes.push(byte);
  }
  return Uint8Array.from(bytes);
}
