// diffusers' ConfigMixin.from_config: a model's scheduler_config.json applied to another class's defaults.

export type ModelSchedulerConfig = Record<string, unknown>;

/** Reads one config value; throws on a value the scheduler cannot honour. */
export type FieldParser<T> = (value: unknown, where: string) => T;

export interface Field<T> {
  readonly parse: FieldParser<T>;
  readonly fallback: T;
}

export type ConfigSpec = Record<string, Field<unknown>>;
export type ResolvedConfig<S extends ConfigSpec> = { readonly [K in keyof S]: S[K] extends Field<infer T> ? T : never };

export function field<T>(parse: FieldParser<T>, fallback: T): Field<T> {
  return { parse, fallback };
}

function fail(where: string, value: unknown, expected: string): never {
  throw new Error(`${where} is ${JSON.stringify(value)}; expected ${expected}`);
}

export const number: FieldParser<number> = (value, where) =>
  typeof value === 'number' && Number.isFinite(value) ? value : fail(where, value, 'a finite number');

export const numberOrInfinity: FieldParser<number> = (value, where) =>
  typeof value === 'number' && !Number.isNaN(value) ? value : fail(where, value, 'a number');

export const integer: FieldParser<number> = (value, where) =>
  Number.isSafeInteger(value) ? (value as number) : fail(where, value, 'an integer');

/** Python truthiness for the flags configs write as null or 0/1 as well as false/true. */
export const flag: FieldParser<boolean> = (value, where) =>
  value === null || typeof value === 'boolean' || typeof value === 'number'
    ? Boolean(value)
    : fail(where, value, 'a boolean');

export function nullable<T>(parse: FieldParser<T>): FieldParser<T | null> {
  return (value, where) => (value === null ? null : parse(value, where));
}

export function oneOf<T extends string>(...allowed: T[]): FieldParser<T> {
  return (value, where) =>
    allowed.includes(value as T)
      ? (value as T)
      : fail(where, value, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
}

/** A value the class accepts but this engine does not implement: only its default may appear. */
export function onlyDefault<T>(parse: FieldParser<T>, supported: T): FieldParser<T> {
  return (value, where) => {
    const parsed = parse(value, where);
    if (parsed !== supported) throw new Error(`${where} = ${JSON.stringify(value)} is not supported by this engine`);
    return parsed;
  };
}

export const numberList: FieldParser<number[]> = (value, where) =>
  Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v))
    ? (value as number[])
    : fail(where, value, 'a list of numbers');

/**
 * Resolution order of `Cls.from_config(modelConfig, **overrides)`: override, else the model's value, else the
 * class default. Keys listed in `_use_default_values` (written when the saved config took a default) and private
 * `_` keys are dropped first; keys the class does not know are ignored, as diffusers does with a warning.
 */
export function resolveConfig<S extends ConfigSpec>(
  className: string,
  spec: S,
  modelConfig: ModelSchedulerConfig,
  overrides: Partial<Record<keyof S, unknown>> = {},
): ResolvedConfig<S> {
  const usedDefaults = Array.isArray(modelConfig._use_default_values) ? modelConfig._use_default_values : [];
  const resolved: Record<string, unknown> = {};
  for (const [key, { parse, fallback }] of Object.entries(spec)) {
    const where = `${className}.${key}`;
    if (Object.hasOwn(overrides, key)) {
      resolved[key] = parse(overrides[key], where);
    } else if (Object.hasOwn(modelConfig, key) && !usedDefaults.includes(key)) {
      resolved[key] = parse(modelConfig[key], where);
    } else {
      resolved[key] = fallback;
    }
  }
  return resolved as ResolvedConfig<S>;
}
