// Symbolic values of the int64 shape arithmetic exporters write (Shape → Gather → Div → Unsqueeze → Concat → Reshape):
// each element is a number when constant, or an expression over the dimensions of named values ("dim(x,2)/2"), so
// a pattern can check that a Reshape really splits or merges the axes it claims to.
import { intAttribute, intsAttribute, type GraphEditor } from './graph-editor';

/** A known number, or a canonical expression string; two equal strings denote the same size. */
export type SymbolicSize = number | string;

const binary: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => Math.trunc(a / b),
};
const symbols: Record<string, string> = { Add: '+', Sub: '-', Mul: '*', Div: '/' };

/** dim(value, axis) as the expression the evaluator writes for it. */
export const dimension = (value: string, axis: number): string => `dim(${value},${axis})`;

/** The value of a scalar (or one-element) int64 tensor, or null when it cannot be followed. */
export function symbolicScalar(editor: GraphEditor, name: string, depth = 0): SymbolicSize | null {
  if (depth > 32) return null;
  const constant = editor.constantNumbers(name);
  if (constant) return constant.length === 1 ? constant[0] : null;
  const node = editor.producer(name);
  if (!node || node.domain) return null;
  switch (node.opType) {
    case 'Cast':
    case 'Identity':
    case 'Squeeze':
    case 'Unsqueeze':
      return symbolicScalar(editor, node.inputs[0], depth + 1);
    case 'Gather': {
      const shapeOf = editor.producerOf(node.inputs[0], 'Shape');
      const index = editor.scalar(node.inputs[1]);
      if (!shapeOf || index === null || intAttribute(node, 'axis', 0) !== 0) return null;
      if (shapeOf.attributes.length > 0) return null; // Shape's start/end slicing
      return dimension(shapeOf.inputs[0], index);
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div': {
      const a = symbolicScalar(editor, node.inputs[0], depth + 1);
      const b = symbolicScalar(editor, node.inputs[1], depth + 1);
      if (a === null || b === null) return null;
      if (typeof a === 'number' && typeof b === 'number') return binary[node.opType](a, b);
      return `(${a}${symbols[node.opType]}${b})`;
    }
    default:
      return null;
  }
}

/** The elements of a 1-D int64 tensor (a Reshape's shape input), or null when any part cannot be followed. */
export function symbolicVector(editor: GraphEditor, name: string): SymbolicSize[] | null {
  const constant = editor.constantNumbers(name);
  if (constant) return editor.constant(name)?.dims.length === 1 ? constant : null;
  const node = editor.producer(name);
  if (!node || node.domain) return null;
  if (node.opType === 'Concat') {
    if (intAttribute(node, 'axis', 0) !== 0) return null;
    const parts = node.inputs.map((input) => symbolicVector(editor, input));
    return parts.every((p) => p !== null) ? parts.flat() : null;
  }
  if (node.opType === 'Unsqueeze') {
    // A scalar made a one-element vector (axes [0], as an attribute before opset 13 or an input after).
    const axes = intsAttribute(node, 'axes') ?? editor.constantNumbers(node.inputs[1]);
    if (!axes || axes.length !== 1 || axes[0] !== 0) return null;
    const scalar = symbolicScalar(editor, node.inputs[0]);
    return scalar === null ? null : [scalar];
  }
  if (node.opType === 'Cast' || node.opType === 'Identity') return symbolicVector(editor, node.inputs[0]);
  return null;
}

/** Whether a size is known to equal `expected` (same number, or the same expression). */
export const sameSize = (a: SymbolicSize | undefined, b: SymbolicSize | undefined): boolean =>
  a !== undefined && b !== undefined && a === b;
