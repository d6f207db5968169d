// The single entry point both transports use: look the method up, validate its input against the contract, run it,
// and turn every outcome into a plain value. Nothing that reaches a caller carries a stack trace.
import { isMethodName, limits, methods, type Handlers, type MethodName } from '../shared/contract';
import { StudioError, type StudioErrorValue } from '../shared/errors';
import { nestsDeeperThan } from './nesting-depth';
import { invalidInput } from '../shared/invalid-input';

export type Outcome = { ok: true; result: unknown } | { ok: false; error: StudioErrorValue };

export interface DispatchOptions {
  /** Where unexpected failures are reported; the caller only learns that something went wrong. */
  logError?: (method: string, error: unknown) => void;
}

export async function dispatch(
  handlers: Handlers,
  method: unknown,
  input: unknown,
  options: DispatchOptions = {},
): Promise<Outcome> {
  if (!isMethodName(method)) {
    const name = typeof method === 'string' ? method.slice(0, 100) : typeof method;
    return fail(new StudioError('unknown_method', `Unknown method: ${name}`));
  }
  if (nestsDeeperThan(input, limits.maxInputDepth)) {
    return fail(
      new StudioError('invalid_input', `Invalid input for ${method}: nests deeper than ${limits.maxInputDepth} levels`),
    );
  }
  let parsed;
  try {
    parsed = methods[method].input.safeParse(input === undefined ? {} : input);
  } catch (error) {
    // Validation itself failed (a getter that throws, a proxy): the input is at fault, but say so in the log too.
    options.logError?.(method, error);
    return fail(new StudioError('invalid_input', `Invalid input for ${method}: it could not be read`));
  }
  if (!parsed.success) return fail(invalidInput(method, parsed.error));
  try {
    const handler = handlers[method] as (input: unknown) => unknown;
    return { ok: true, result: await handler(parsed.data) };
  } catch (error) {
    if (error instanceof StudioError) return fail(error);
    options.logError?.(method as MethodName, error);
    return fail(new StudioError('internal', `${method} failed unexpectedly`));
  }
}

function fail(error: StudioError): Outcome {
  return { ok: false, error: error.toValue() };
}
