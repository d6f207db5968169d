// CLI options checked by the contract's own schemas, so that the command line, HTTP and IPC accept and refuse the
// same inputs; a refusal names the option the way the user typed it (cli.md: exit 2, one line naming the option).
import type { z } from 'zod';
import { UsageError } from './args';

/**
 * Parses `input` (the contract's field names) with `schema`; the first problem becomes a UsageError naming what
 * supplied the field: `labelOf[field]` (e.g. `QUERY` for a positional), by default `option --field-in-kebab-case`.
 */
export function checkWithContract<S extends z.ZodType>(
  schema: S,
  input: Record<string, unknown>,
  labelOf: Record<string, string> = {},
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  const field = String(issue.path[0] ?? '');
  const label = labelOf[field] ?? `option --${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  throw new UsageError(field ? `${label} ${issue.message}` : issue.message);
}
