// Layer normalisation as exporters before opset 17 spell it, (x − mean(x)) / sqrt(var(x) + ε) · γ + β over the last
// axis, into one LayerNormalization (ONNX Runtime runs it at any opset); and when x is a residual sum a + b, into
// com.microsoft SkipLayerNormalization, whose fourth output is that sum for the other readers of it.
import type { OnnxNode } from '../../formats/onnx';
import { floatAttr, intAttr, intsAttribute, makeNode, MS_DOMAIN, type GraphEditor } from './graph-editor';

/** ReduceMean over the last axis only, keeping it (axes as an attribute, or an input from opset 18). */
function meanOverLastAxis(editor: GraphEditor, node: OnnxNode | undefined): node is OnnxNode {
  if (!node) return false;
  const axes = intsAttribute(node, 'axes') ?? editor.constantNumbers(node.inputs[1]);
  const keepdims = node.attributes.find((a) => a.name === 'keepdims');
  return (
    axes?.length === 1 &&
    axes[0] === -1 &&
    (keepdims === undefined || (keepdims.type === 'int' && keepdims.value === 1))
  );
}

interface LayerNormMatch {
  input: string;
  epsilon: number;
  scale: string;
  bias: string;
  /** The node whose output the fused node takes over. */
  last: OnnxNode;
}

/** The normalisation ending in the Add of β at `add`, or null. */
function matchLayerNorm(editor: GraphEditor, add: OnnxNode): LayerNormMatch | null {
  for (const side of [0, 1]) {
    const bias = add.inputs[1 - side];
    const mul = editor.producerOf(add.inputs[side], 'Mul');
    if (!mul || !isVector(editor, bias)) continue;
    for (const mulSide of [0, 1]) {
      const scale = mul.inputs[1 - mulSide];
      const div = editor.producerOf(mul.inputs[mulSide], 'Div');
      if (!div || !isVector(editor, scale)) continue;
      const sub = editor.producerOf(div.inputs[0], 'Sub');
      const sqrt = editor.producerOf(div.inputs[1], 'Sqrt');
      if (!sub || !sqrt) continue;
      const mean = editor.producerOf(sub.inputs[1], 'ReduceMean');
      const input = sub.inputs[0];
      if (!meanOverLastAxis(editor, mean) || mean.inputs[0] !== input) continue;
      const addEps = editor.producerOf(sqrt.inputs[0], 'Add');
      if (!addEps) continue;
      const epsSide = editor.scalar(addEps.inputs[1]) !== null ? 1 : 0;
      const epsilon = editor.scalar(addEps.inputs[epsSide]);
      const variance = editor.producerOf(addEps.inputs[1 - epsSide], 'ReduceMean');
      if (epsilon === null || epsilon <= 0 || !meanOverLastAxis(editor, variance)) continue;
      const pow = editor.producerOf(variance.inputs[0], 'Pow');
      if (!pow || pow.inputs[0] !== sub.outputs[0] || editor.scalar(pow.inputs[1]) !== 2) continue;
      // The centred value and the deviation must not be read elsewhere (they would lose their producers' meaning).
      const inside = new Set([sub, pow, div, mul, variance, addEps, sqrt, mean]);
      const readOutside = [sub, pow, variance, addEps, sqrt, div, mul].some((n) =>
        editor.consumers(n.outputs[0]).some((c) => !inside.has(c) && c !== add),
      );
      if (readOutside) continue;
      return { input, epsilon, scale, bias, last: add };
    }
  }
  return null;
}

/** A constant 1-D tensor (γ and β must be per-channel vectors for the fused op). */
function isVector(editor: GraphEditor, name: string): boolean {
  return editor.constant(name)?.dims.length === 1;
}

export interface LayerNormCounts {
  LayerNormalization: number;
  SkipLayerNormalization: number;
}

export function fuseLayerNorm(editor: GraphEditor, allowSkip = true): LayerNormCounts {
  const counts = { LayerNormalization: 0, SkipLayerNormalization: 0 };
  for (const add of editor.graph.nodes.filter((n) => n.opType === 'Add' && !n.domain)) {
    const match = matchLayerNorm(editor, add);
    if (!match) continue;
    const output = match.last.outputs[0];
    const residual = allowSkip ? editor.producerOf(match.input, 'Add') : undefined;
    const skip =
      residual && residual.inputs.every((x) => !editor.constant(x)) && residual.inputs[0] !== residual.inputs[1];
    if (skip) {
      // SkipLayerNormalization(input, skip, γ, β) → (output, mean, inv_std_var, input + skip).
      const fused = makeNode(
        'SkipLayerNormalization',
        [residual.inputs[0], residual.inputs[1], match.scale, match.bias],
        [output, '', '', residual.outputs[0]],
        [floatAttr('epsilon', match.epsilon)],
        MS_DOMAIN,
        editor.freshName('SkipLayerNormalization'),
      );
      editor.replace(match.last, [fused]);
      editor.replace(residual, []);
      counts.SkipLayerNormalization++;
    } else {
      const fused = makeNode(
        'LayerNormalization',
        [match.input, match.scale, match.bias],
        [output],
        [intAttr('axis', -1), floatAttr('epsilon', match.epsilon)],
        undefined,
        editor.freshName('LayerNormalization'),
      );
      editor.replace(match.last, [fused]);
      counts.LayerNormalization++;
    }
  }
  return counts;
}
