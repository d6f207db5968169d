// Checks a session's declared inputs against what an adapter knows how to feed, before any job runs.
import { ModelFolderError } from '../engine-errors';
import type { GraphSession, ValueSpec } from '../onnx-session';

export interface InputRule {
  types: readonly string[];
  optional?: boolean;
}

/** Every declared input must be one the adapter feeds, with an element type it can produce. */
export function checkInputs(session: GraphSession, rules: Record<string, InputRule>): Record<string, ValueSpec> {
  const found: Record<string, ValueSpec> = {};
  for (const input of session.inputs) {
    const rule = rules[input.name];
    if (!rule) {
      const known = Object.keys(rules).join(', ');
      throw new ModelFolderError(session.file, `unexpected input "${input.name}" (this graph kind takes ${known})`);
    }
    if (!rule.types.includes(input.type)) {
      throw new ModelFolderError(
        session.file,
        `input "${input.name}" has element type ${input.type}, expected ${rule.types.join(' or ')}`,
      );
    }
    found[input.name] = input;
  }
  for (const [name, rule] of Object.entries(rules)) {
    if (!rule.optional && !found[name]) throw new ModelFolderError(session.file, `missing input "${name}"`);
  }
  return found;
}

/** The output called `name`, or the graph's first output when it is named otherwise (exporters differ). */
export function pickOutput(session: GraphSession, names: readonly string[]): string {
  const match = session.outputs.find((o) => names.includes(o.name));
  if (match) return match.name;
  if (session.outputs.length === 0) throw new ModelFolderError(session.file, 'graph has no outputs');
  return session.outputs[0].name;
}

export const floatTypes = ['float32', 'float16'] as const;
