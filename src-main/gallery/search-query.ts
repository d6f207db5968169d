// The search box's language (cli.md): all words must match, "a phrase", prefix*, -word excludes — compiled to FTS5
// MATCH expressions. Every term is quoted, so nothing a person types is read as FTS5 syntax (or can break a query).
export interface TextQuery {
  /** Records must match this (null: no positive terms). */
  match: string | null;
  /** Records matching this are left out (null: no exclusions). */
  exclude: string | null;
}

const termPattern = /(-?)"([^"]*)"?(\*?)|(-?)([^\s"]+)/g;
// A term the tokenizer would reduce to nothing (only punctuation) matches nothing in FTS5: drop it instead.
const hasToken = /[\p{L}\p{N}]/u;

export function parseSearch(input: string): TextQuery {
  const include: string[] = [];
  const exclude: string[] = [];
  for (const m of input.matchAll(termPattern)) {
    const quoted = m[2] !== undefined;
    const negated = (quoted ? m[1] : m[4]) === '-';
    let body = quoted ? m[2] : m[5];
    let prefix = quoted ? m[3] === '*' : false;
    if (!quoted && body.endsWith('*')) {
      body = body.replace(/\*+$/, '');
      prefix = true;
    }
    if (!hasToken.test(body)) continue;
    const term = `"${body.replace(/"/g, '""')}"${prefix ? '*' : ''}`;
    (negated ? exclude : include).push(term);
  }
  return {
    match: include.length ? include.join(' ') : null,
    exclude: exclude.length ? exclude.join(' OR ') : null,
  };
}

/** One MATCH expression when there is something to match; exclusions alone need a NOT IN instead (FTS5 has no unary NOT). */
export function combined(query: TextQuery): string | null {
  if (query.match === null) return null;
  return query.exclude === null ? query.match : `(${query.match}) NOT (${query.exclude})`;
}
