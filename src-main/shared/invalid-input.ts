// A schema's refusal as the caller sees it: `invalid_input`, the first field and problem in the message, every
// field's path in `details.issues`. The transports' contract check and any service that validates again use it.
import type { z } from 'zod';
import { StudioError } from './errors';

export interface InputIssue {
  path: string[];
  message: string;
}

export function invalidInput(what: string, error: z.ZodError): StudioError {
  const issues: InputIssue[] = error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String), message: i.message }));
  return new StudioError('invalid_input', `Invalid input for ${what}: ${summarise(error)}`, { issues });
}

/** `schema.parse`, refusing with `invalidInput` instead of a ZodError (which a transport reports as `internal`). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidInput(what, parsed.error);
  return parsed.data;
}

function summarise(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid value';
  const where = first.path.length ? first.path.map(String).join('.') : 'input';
  const more = error.issues.length > 1 ? ` (+${error.issues.length - 1} more)` : '';
  return `${where}: ${first.message}${more}`.slice(0, 300);
}
