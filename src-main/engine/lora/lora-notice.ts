// One warning per LoRA for what it left unchanged. A LoRA made for another architecture can miss hundreds of
// modules: the warning counts them all and names the first few, so a notice stays a line a person reads.

/** How many ignored entries a warning names before it counts the rest. */
export const NAMED = 4;

/**
 * `ignored`: one entry per module or key the merge passed over, each "keys ignored (why)"; `merged`: the modules it
 * did change. Null when nothing was ignored.
 */
export function loraWarning(name: string, merged: number, ignored: readonly string[]): string | null {
  if (ignored.length === 0) return null;
  const what = merged === 0 ? 'changed nothing in this model' : `merged ${merged} modules`;
  const rest = ignored.length - NAMED;
  const named = ignored.slice(0, NAMED).join('; ');
  return `LoRA ${name} ${what}; ${ignored.length} ignored: ${named}${rest > 0 ? `; and ${rest} more` : ''}`;
}
