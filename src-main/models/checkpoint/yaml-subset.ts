// The YAML subset LDM's model configs (configs/stable-diffusion/*.yaml) are written in: block mappings by
// indentation, block sequences of scalars, flow sequences `[ 4, 2, 1 ]`, plain or quoted scalars, `#` comments.
// Anchors, multi-line strings and flow mappings are refused by line number rather than guessed at.
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
  number: number;
}

export function parseYaml(source: string): YamlValue {
  const lines: Line[] = [];
  source.split(/\r?\n/).forEach((raw, i) => {
    const text = stripComment(raw).trimEnd();
    if (text.trim() === '' || text.trim() === '---') return;
    if (/^\s*[&*!|>{]/.test(text.trim()) || /:\s*[&*!|>{]/.test(text))
      throw new Error(`line ${i + 1}: YAML feature not supported in a model config: ${text.trim()}`);
    lines.push({ indent: text.length - text.trimStart().length, text: text.trim(), number: i + 1 });
  });
  let at = 0;

  function block(indent: number): YamlValue {
    if (at >= lines.length) return null;
    return lines[at].text.startsWith('- ') || lines[at].text === '-' ? sequence(lines[at].indent) : mapping(indent);
  }

  function mapping(indent: number): YamlValue {
    const out: { [key: string]: YamlValue } = {};
    while (at < lines.length && lines[at].indent === indent) {
      const line = lines[at];
      const m = /^("[^"]*"|'[^']*'|[^:]+?)\s*:(\s+(.*))?$/.exec(line.text);
      if (!m) throw new Error(`line ${line.number}: expected "key: value", found ${line.text}`);
      const key = String(scalar(m[1]));
      at++;
      if (m[3] !== undefined && m[3] !== '') out[key] = scalar(m[3]);
      else if (at < lines.length && lines[at].indent > indent) out[key] = block(lines[at].indent);
      // A block sequence may sit at its key's own indentation ("ch_mult:" then "- 1").
      else if (at < lines.length && lines[at].indent === indent && /^-(\s|$)/.test(lines[at].text))
        out[key] = sequence(indent);
      else out[key] = null;
    }
    if (at < lines.length && lines[at].indent > indent)
      throw new Error(`line ${lines[at].number}: unexpected indentation`);
    return out;
  }

  function sequence(indent: number): YamlValue[] {
    const out: YamlValue[] = [];
    while (at < lines.length && lines[at].indent === indent && /^-(\s|$)/.test(lines[at].text)) {
      const rest = lines[at].text.slice(1).trim();
      at++;
      if (rest === '') out.push(at < lines.length && lines[at].indent > indent ? block(lines[at].indent) : null);
      else if (/^[^"'[]+?:(\s|$)/.test(rest)) throw new Error(`line ${lines[at - 1].number}: mappings in sequences are not supported`);
      else out.push(scalar(rest));
    }
    return out;
  }

  const root = block(lines[0]?.indent ?? 0);
  if (at < lines.length) throw new Error(`line ${lines[at].number}: unexpected indentation`);
  return root;
}

function scalar(text: string): YamlValue {
  const t = text.trim();
  if (t.startsWith('[')) {
    if (!t.endsWith(']')) throw new Error(`unterminated flow sequence: ${t}`);
    const inner = t.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((item) => scalar(item));
  }
  if (/^".*"$/.test(t) || /^'.*'$/.test(t)) return t.slice(1, -1);
  if (/^(null|~)$/i.test(t)) return null;
  if (/^(true|false)$/i.test(t)) return t.toLowerCase() === 'true';
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  return t;
}

function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}
