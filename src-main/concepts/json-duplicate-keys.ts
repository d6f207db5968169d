// JSON.parse keeps the last value of a repeated key without a word; formats that forbid repeats (safetensors headers)
// find them with this scan of the text, which must already be valid JSON.

/** The first key repeated within one object, at any depth, or null. Keys compare after unescaping ("a" = "\u0061"). */
export function findDuplicateKey(json: string): string | null {
  // One entry per open container: the keys seen so far for an object, null for an array.
  const stack: (Set<string> | null)[] = [];
  let expectingKey = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i];
    if (ch === '{') {
      stack.push(new Set());
      expectingKey = true;
    } else if (ch === '[') {
      stack.push(null);
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      expectingKey = stack.at(-1) instanceof Set;
    } else if (ch === '"') {
      const end = stringEnd(json, i);
      if (expectingKey) {
        const key = JSON.parse(json.slice(i, end + 1)) as string;
        const keys = stack.at(-1)!;
        if (keys.has(key)) return key;
        keys.add(key);
        expectingKey = false;
      }
      i = end;
    }
  }
  return null;
}

/** Index of the quote that closes the string opening at `start`. */
function stringEnd(json: string, start: number): number {
  for (let i = start + 1; i < json.length; i++) {
    if (json[i] === '\\') i++;
    else if (json[i] === '"') return i;
  }
  return json.length - 1;
}
