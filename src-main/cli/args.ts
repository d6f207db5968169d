// Command-line parsing on node:util's parseArgs, with errors that name the offending option in one line.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Bad usage: the CLI prints the message on one line and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec<O extends OptionSpec> {
  name: string;
  summary: string;
  usage: string;
  options: O;
  /** One line per option for --help, in display order. */
  help: readonly (readonly [string, string])[];
  positionals?: { min: number; max: number };
}

export function parseCommand<O extends OptionSpec>(spec: CommandSpec<O>, argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: spec.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`studio ${spec.name}: ${describeParseError(error)}`);
  }
  const { min, max } = spec.positionals ?? { min: 0, max: 0 };
  const count = parsed.positionals.length;
  if (count > max) throw new UsageError(`studio ${spec.name}: unexpected argument '${parsed.positionals[max]}'`);
  if (count < min) throw new UsageError(`studio ${spec.name}: missing argument (usage: ${spec.usage})`);
  return parsed;
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option ?? message}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return option ? `option ${option} needs a value` : message.split('\n')[0];
  }
  return message.split('\n')[0];
}

export function formatHelp<O extends OptionSpec>(spec: CommandSpec<O>): string {
  const width = Math.max(...spec.help.map(([flag]) => flag.length), 10) + 2;
  const lines = spec.help.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`);
  return `${spec.summary}\n\nUsage: studio ${spec.usage}\n\nOptions:\n${lines.join('\n')}\n`;
}

/** Parses a whole number option, refusing anything else with a message naming the option. */
export function intOption(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw)) throw new UsageError(`option --${name} must be a whole number, got '${raw}'`);
  const value = Number(raw);
  if (value < min || value > max) throw new UsageError(`option --${name} must be between ${min} and ${max}`);
  return value;
}

/** Parses a decimal option within [min, max] (or (min, max] with `exclusiveMin`). */
export function floatOption(
  name: string,
  raw: string | undefined,
  min: number,
  max: number,
  exclusiveMin = false,
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value))
    throw new UsageError(`option --${name} must be a number, got '${raw}'`);
  if (value < min || value > max || (exclusiveMin && value === min)) {
    throw new UsageError(`option --${name} must be ${exclusiveMin ? 'above' : 'at least'} ${min} and at most ${max}`);
  }
  return value;
}
