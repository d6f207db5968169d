// How deep a value nests, measured without recursion: a 100,000-level array from a client must cost a loop, not the
// call stack (JSON.parse and structured clone build such values iteratively; a recursive walker would then overflow).

/** True when `value` nests arrays/objects more than `maxDepth` levels deep; stops at the first such branch. */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > maxDepth) return true;
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}
