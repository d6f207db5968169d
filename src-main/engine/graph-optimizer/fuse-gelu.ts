// GELU, x·½·(1 + erf(x/√2)) (Hendrycks & Gimpel 2016), as exporters spell it, into com.microsoft Gelu, or BiasGelu
// when x is a projection plus a bias vector; and CLIP's quick GELU, x·sigmoid(1.702·x), into QuickGelu.
import type { OnnxNode } from '../../formats/onnx';
import { floatAttr, makeNode, MS_DOMAIN, type GraphEditor } from './graph-editor';

const close = (a: number | null, b: number) => a !== null && Math.abs(a - b) <= 1e-6 * Math.abs(b);

/** Which input of a binary node is the constant scalar `value`; -1 if neither. */
function constantSide(editor: GraphEditor, node: OnnxNode, value: number): number {
  if (close(editor.scalar(node.inputs[1]), value)) return 1;
  if (close(editor.scalar(node.inputs[0]), value)) return 0;
  return -1;
}

/** erf(x/√2) (as Div by √2 or Mul by 1/√2): x, or null. */
function erfArgument(editor: GraphEditor, erf: OnnxNode): string | null {
  const div = editor.producerOf(erf.inputs[0], 'Div');
  if (div && constantSide(editor, div, Math.SQRT2) === 1) return div.inputs[0];
  const mul = editor.producerOf(erf.inputs[0], 'Mul');
  const side = mul ? constantSide(editor, mul, Math.SQRT1_2) : -1;
  return mul && side >= 0 ? mul.inputs[1 - side] : null;
}

interface GeluMatch {
  x: string;
  last: OnnxNode;
}

/** x·(1 + erf(x/√2))·½ in either association, ending at `last` (a Mul); or null. */
function matchGelu(editor: GraphEditor, erf: OnnxNode): GeluMatch | null {
  const x = erfArgument(editor, erf);
  if (x === null || editor.consumers(erf.outputs[0]).length !== 1) return null;
  const plusOne = editor.consumers(erf.outputs[0])[0];
  if (plusOne.opType !== 'Add' || plusOne.domain || constantSide(editor, plusOne, 1) < 0) return null;
  const [mul] = editor.consumers(plusOne.outputs[0]);
  if (mul?.opType !== 'Mul' || mul.domain || editor.consumers(plusOne.outputs[0]).length !== 1) return null;
  const other = mul.inputs[0] === plusOne.outputs[0] ? mul.inputs[1] : mul.inputs[0];
  if (other === x) {
    // (x · (1 + erf)) · ½
    const [half] = editor.consumers(mul.outputs[0]);
    if (editor.consumers(mul.outputs[0]).length !== 1 || half?.opType !== 'Mul' || half.domain) return null;
    return constantSide(editor, half, 0.5) >= 0 ? { x, last: half } : null;
  }
  // (x · ½) · (1 + erf)
  const halfX = editor.producerOf(other, 'Mul');
  if (!halfX || editor.consumers(other).length !== 1) return null;
  const side = constantSide(editor, halfX, 0.5);
  return side >= 0 && halfX.inputs[1 - side] === x ? { x, last: mul } : null;
}

/** x = MatMul(…) + b with b a constant vector: [MatMul output, b]. */
function biasOf(editor: GraphEditor, x: string, readers: number): [string, string] | null {
  const add = editor.producerOf(x, 'Add');
  if (!add || editor.consumers(x).length !== readers) return null;
  for (const side of [0, 1]) {
    const bias = editor.constant(add.inputs[1 - side]);
    if (bias?.dims.length === 1 && editor.producerOf(add.inputs[side], 'MatMul'))
      return [add.inputs[side], add.inputs[1 - side]];
  }
  return null;
}

export interface GeluCounts {
  Gelu: number;
  BiasGelu: number;
  QuickGelu: number;
}

export function fuseGelu(editor: GraphEditor): GeluCounts {
  const counts = { Gelu: 0, BiasGelu: 0, QuickGelu: 0 };
  for (const erf of editor.graph.nodes.filter((n) => n.opType === 'Erf' && !n.domain)) {
    const match = matchGelu(editor, erf);
    if (!match) continue;
    const output = match.last.outputs[0];
    // x is read by the erf branch and by the product: exactly two readers when nothing else needs it.
    const biased = biasOf(editor, match.x, 2);
    const fused = biased
      ? makeNode('BiasGelu', biased, [output], [], MS_DOMAIN, editor.freshName('BiasGelu'))
      : makeNode('Gelu', [match.x], [output], [], MS_DOMAIN, editor.freshName('Gelu'));
    editor.replace(match.last, [fused]);
    counts[biased ? 'BiasGelu' : 'Gelu']++;
  }
  for (const sigmoid of editor.graph.nodes.filter((n) => n.opType === 'Sigmoid' && !n.domain)) {
    const scaled = editor.producerOf(sigmoid.inputs[0], 'Mul');
    const side = scaled ? constantSide(editor, scaled, 1.702) : -1;
    if (!scaled || side < 0 || editor.consumers(sigmoid.outputs[0]).length !== 1) continue;
    const x = scaled.inputs[1 - side];
    const [product] = editor.consumers(sigmoid.outputs[0]);
    if (product.opType !== 'Mul' || product.domain || !product.inputs.includes(x)) continue;
    const alpha = editor.scalar(scaled.inputs[side])!;
    const fused = makeNode(
      'QuickGelu',
      [x],
      [product.outputs[0]],
      [floatAttr('alpha', alpha)],
      MS_DOMAIN,
      editor.freshName('QuickGelu'),
    );
    editor.replace(product, [fused]);
    counts.QuickGelu++;
  }
  return counts;
}
