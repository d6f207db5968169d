// Prompt attention syntax as AUTOMATIC1111's `prompt_parser.parse_prompt_attention` reads it.
//
// ## Rules (A1111 v1.x, bit for bit in the weights it produces)
// - The text is cut into these pieces, left to right, the first alternative that matches winning:
//   `\(` `\)` `\[` `\]` `\\` (escapes: the character after the backslash, as text), a lone `\` (dropped), `(`, `[`,
//   `:` + number + `)` (number = `[+-]?[.\d]+`, spaces allowed around it), `)`, `]`, a run of other text, a lone `:`.
// - `(` and `[` open a group at the current end of the output. `:N)` closes the innermost open `(` and multiplies
//   every fragment since it by N; `)` closes it with ×1.1; `]` closes the innermost `[` with ×(1/1.1).
//   Multiplying runs in float64 in closing order, so `((x))` is 1.1·1.1 = 1.2100000000000002, as in Python.
// - A closer with no open group of its kind is plain text (`a)` is the text "a)"); so is `:N)` with no open `(`.
//   A `:` not followed by a number and `)` is plain text.
// - Groups still open at the end close there: every open `(` applies ×1.1, then every open `[` ×(1/1.1).
// - `BREAK` (upper case, a whole word) inside plain text ends the current 75-token chunk; the spaces around it go.
//   It is a fragment ("BREAK", −1) that takes part in the multiplying and merging like any other (see isBreak).
// - Adjacent fragments with exactly equal weights merge; an empty prompt is one empty fragment of weight 1.
// - Departure: a "number" that is not one (`(a:1.2.3)`, `(a:.)`) raises in A1111; here the piece is plain text.
// Text inside fragments is tokenized fragment by fragment, as A1111 does (so `(a)(b)` reads "ab" with weight 1.1).

export interface PromptFragment {
  text: string;
  weight: number;
}

const ROUND = 1.1;
const SQUARE = 1 / 1.1;
const ATTENTION = /\\\(|\\\)|\\\[|\\]|\\\\|\\|\(|\[|:\s*([+-]?[.\d]+)\s*\)|\)|]|[^\\()[\]:]+|:/g;
const BREAK = /\s*\bBREAK\b\s*/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;

export function parsePromptAttention(text: string): PromptFragment[] {
  const out: PromptFragment[] = [];
  const round: number[] = [];
  const square: number[] = [];
  const multiplyFrom = (start: number, by: number) => {
    for (let p = start; p < out.length; p++) out[p].weight *= by;
  };
  for (const match of text.matchAll(ATTENTION)) {
    const piece = match[0];
    const weight = match[1];
    if (piece.startsWith('\\')) out.push({ text: piece.slice(1), weight: 1 });
    else if (piece === '(') round.push(out.length);
    else if (piece === '[') square.push(out.length);
    else if (weight !== undefined && NUMBER.test(weight) && round.length > 0)
      multiplyFrom(round.pop()!, Number(weight));
    else if (piece === ')' && round.length > 0) multiplyFrom(round.pop()!, ROUND);
    else if (piece === ']' && square.length > 0) multiplyFrom(square.pop()!, SQUARE);
    else {
      piece.split(BREAK).forEach((part, i) => {
        if (i > 0) out.push({ text: 'BREAK', weight: -1 });
        out.push({ text: part, weight: 1 });
      });
    }
  }
  // Python iterates the leftover stacks bottom to top; with multiplication the order only matters for rounding.
  for (const start of round) multiplyFrom(start, ROUND);
  for (const start of square) multiplyFrom(start, SQUARE);
  if (out.length === 0) out.push({ text: '', weight: 1 });
  for (let i = 0; i + 1 < out.length;) {
    if (out[i].weight === out[i + 1].weight) {
      out[i] = { ...out[i], text: out[i].text + out[i + 1].text };
      out.splice(i + 1, 1);
    } else i++;
  }
  return out;
}

/**
 * A `BREAK` marker, recognised as A1111 does: text "BREAK" with weight exactly −1. A marker inside a group is
 * multiplied like any fragment (`(BREAK)` → −1.1) and then reads as the word "break" with that weight.
 */
export function isBreak(fragment: PromptFragment): boolean {
  return fragment.text === 'BREAK' && fragment.weight === -1;
}

/** True when the prompt reads as plain text: one fragment of weight 1 whose text is the prompt itself. */
export function isPlainPrompt(text: string, fragments = parsePromptAttention(text)): boolean {
  return fragments.length === 1 && fragments[0].weight === 1 && fragments[0].text === text;
}
