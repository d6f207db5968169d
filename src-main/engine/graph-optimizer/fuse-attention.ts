// Scaled dot-product attention, softmax(q·kᵀ·scale)·v over split heads, as diffusers exports it, into one
// com.microsoft MultiHeadAttention (github.com/microsoft/onnxruntime/blob/main/docs/ContribOperators.md). Two forms:
// - AttnProcessor (torch < 2): heads folded into the batch, [B·H, S, D], scores through baddbmm (a zero term);
// - scaled_dot_product_attention (torch ≥ 2): [B, H, S, D] with the scale split over q and kᵀ.
// Every reshape is checked to split or merge exactly the head axis; anything else is left as it is.
import type { OnnxNode } from '../../formats/onnx';
import {
  floatAttr,
  intAttr,
  intAttribute,
  intsAttribute,
  makeNode,
  MS_DOMAIN,
  tensorNumbers,
  type GraphEditor,
} from './graph-editor';
import { dimension, symbolicVector, type SymbolicSize } from './shape-values';

/** Heads split off a projection: `source` is [B, S, H·D]. */
interface HeadSplit {
  source: string;
  heads: number;
  headSize: SymbolicSize;
  layout: 'batched' | 'split';
}

const samePerm = (node: OnnxNode | undefined, perm: number[]) =>
  node !== undefined && JSON.stringify(intsAttribute(node, 'perm')) === JSON.stringify(perm);

/** a·b as the exporter writes it (a traced product by 1 is no product at all). */
const times = (a: SymbolicSize, b: number): SymbolicSize =>
  typeof a === 'number' ? a * b : b === 1 ? a : `(${a}*${b})`;

/** Reshape(X, [B, S, H, D]) → Transpose(perm): the heads of X, or null. */
function splitOf(
  editor: GraphEditor,
  transpose: OnnxNode | undefined,
  perm = [0, 2, 1, 3],
): Omit<HeadSplit, 'layout'> | null {
  if (!samePerm(transpose, perm)) return null;
  const reshape = editor.producerOf(transpose!.inputs[0], 'Reshape');
  if (!reshape || intAttribute(reshape, 'allowzero', 0) !== 0) return null;
  const source = reshape.inputs[0];
  const shape = symbolicVector(editor, reshape.inputs[1]);
  if (!shape || shape.length !== 4) return null;
  const [batch, sequence, heads, headSize] = shape;
  if (typeof heads !== 'number' || heads < 1) return null;
  if (batch !== dimension(source, 0) && (typeof batch !== 'number' || batch < 1)) return null;
  if (sequence !== dimension(source, 1) && typeof sequence !== 'number') return null;
  const traced =
    heads === 1 ? [dimension(source, 2), `(${dimension(source, 2)}/1)`] : [`(${dimension(source, 2)}/${heads})`];
  if (!traced.includes(headSize as string) && (typeof headSize !== 'number' || headSize < 1)) return null;
  return { source, heads, headSize };
}

/** q or v as the scores' MatMul reads it: [B·H, S, D] (batched) or [B, H, S, D] (split). */
function headsOf(editor: GraphEditor, name: string): HeadSplit | null {
  const merge = editor.producerOf(name, 'Reshape');
  if (merge) {
    const split = splitOf(editor, editor.producerOf(merge.inputs[0], 'Transpose'));
    const shape = symbolicVector(editor, merge.inputs[1]);
    if (!split || !shape || shape.length !== 3) return null;
    const reshape = editor.producerOf(editor.producerOf(merge.inputs[0], 'Transpose')!.inputs[0], 'Reshape')!;
    const [, sequence] = symbolicVector(editor, reshape.inputs[1])!;
    if (shape[1] !== sequence || shape[2] !== split.headSize) return null;
    if (shape[0] !== times(dimension(split.source, 0), split.heads) && typeof shape[0] !== 'number') return null;
    return { ...split, layout: 'batched' };
  }
  const split = splitOf(editor, editor.producerOf(name, 'Transpose'));
  return split && { ...split, layout: 'split' };
}

/** kᵀ as the scores' MatMul reads it. */
function keyHeadsOf(editor: GraphEditor, name: string): HeadSplit | null {
  const transpose = editor.producerOf(name, 'Transpose');
  if (!transpose) return null;
  if (samePerm(transpose, [0, 2, 1])) {
    const heads = headsOf(editor, transpose.inputs[0]);
    return heads?.layout === 'batched' ? heads : null;
  }
  if (samePerm(transpose, [0, 1, 3, 2])) {
    const heads = headsOf(editor, transpose.inputs[0]);
    return heads?.layout === 'split' ? heads : null;
  }
  if (samePerm(transpose, [0, 2, 3, 1])) {
    // Both transposes in one: Reshape → Transpose(0,2,3,1).
    const split = splitOf(editor, transpose, [0, 2, 3, 1]);
    return split && { ...split, layout: 'split' };
  }
  return null;
}

/**
 * A float scalar: a constant, or arithmetic on the head size as torch ≥ 2 computes SDPA's default scale,
 * 1/√(Cast(Shape(q)[-1])) with √ of that on q and on kᵀ; null when it cannot be followed.
 */
function floatScalar(editor: GraphEditor, name: string, depth = 0): number | null {
  const constant = editor.scalar(name);
  if (constant !== null) return constant;
  const node = editor.producer(name);
  if (!node || node.domain || depth > 8) return null;
  const arg = (i: number) => floatScalar(editor, node.inputs[i], depth + 1);
  switch (node.opType) {
    case 'Cast':
    case 'Identity': {
      const shape = editor.producerOf(node.inputs[0], 'Slice') ?? editor.producerOf(node.inputs[0], 'Gather');
      if (shape) return lastAxisOf(editor, shape);
      return arg(0);
    }
    case 'Sqrt': {
      const x = arg(0);
      return x === null ? null : Math.sqrt(x);
    }
    case 'Pow': {
      const [x, y] = [arg(0), arg(1)];
      return x === null || y === null ? null : x ** y;
    }
    case 'Div':
    case 'Mul': {
      const [a, b] = [arg(0), arg(1)];
      if (a === null || b === null) return null;
      return node.opType === 'Mul' ? a * b : a / b;
    }
    default:
      return null;
  }
}

/** Shape(q)[-1:] (Slice) or Shape(q)[-1] (Gather) of split heads q: their head size when it is a known number. */
function lastAxisOf(editor: GraphEditor, node: OnnxNode): number | null {
  const shapeOf = editor.producerOf(node.inputs[0], 'Shape');
  if (!shapeOf || shapeOf.attributes.length > 0) return null;
  // Split heads are [B, H, S, D]: the last axis is -1 or 3.
  const last =
    node.opType === 'Gather'
      ? [-1, 3].includes(editor.scalar(node.inputs[1]) ?? 0)
      : editor.scalar(node.inputs[1]) === -1 &&
        (editor.scalar(node.inputs[2]) ?? 0) >= 2 ** 62 &&
        (!node.inputs[3] || editor.scalar(node.inputs[3]) === 0);
  if (!last) return null;
  const heads = headsOf(editor, shapeOf.inputs[0]);
  if (heads?.layout !== 'split') return null;
  if (typeof heads.headSize === 'number') return heads.headSize;
  // D = width / H, the width read off the projection's weight.
  const width = projectionWidth(editor, heads.source);
  return width !== null && heads.headSize === `(${dimension(heads.source, 2)}/${heads.heads})`
    ? width / heads.heads
    : null;
}

/** The output width of a projection X·W (+ b) with a constant 2-D weight, or null. */
function projectionWidth(editor: GraphEditor, name: string): number | null {
  const add = editor.producerOf(name, 'Add');
  const matmulOut = add ? add.inputs.find((x) => editor.producerOf(x, 'MatMul')) : name;
  const matmul = editor.producerOf(matmulOut, 'MatMul');
  const weight = matmul && editor.constant(matmul.inputs[1]);
  return weight?.dims.length === 2 ? weight.dims[1] : null;
}

/** A value multiplied (or divided) by a scalar factor: the value and the factor. */
function scaled(editor: GraphEditor, name: string): [string, number] {
  const node = editor.producer(name);
  if (node && !node.domain && (node.opType === 'Mul' || node.opType === 'Div')) {
    for (const side of node.opType === 'Mul' ? [0, 1] : [0]) {
      const factorName = node.inputs[1 - side];
      const factor = floatScalar(editor, factorName);
      if (factor !== null && factor !== 0 && Number.isFinite(factor) && isScalarShaped(editor, factorName))
        return [node.inputs[side], node.opType === 'Mul' ? factor : 1 / factor];
    }
  }
  return [name, 1];
}

/** A factor of rank ≤ 1 with one element broadcasts without changing the other operand's shape. */
function isScalarShaped(editor: GraphEditor, name: string): boolean {
  const constant = editor.constant(name);
  if (constant) return constant.dims.length <= 1 && constant.dims.every((d) => d === 1);
  // Computed scales come from Shape(q)[-1:], a one-element vector.
  return true;
}

/** baddbmm(empty, q, kᵀ, beta=0, alpha) adds 0·ConstantOfShape(…): the sum without that zero term. */
function withoutZeroTerm(editor: GraphEditor, name: string): string {
  const add = editor.producerOf(name, 'Add');
  if (!add) return name;
  for (const side of [0, 1]) {
    const zero = editor.producerOf(add.inputs[1 - side], 'Mul');
    if (!zero) continue;
    for (const fillSide of [0, 1]) {
      const fill = editor.producerOf(zero.inputs[fillSide], 'ConstantOfShape');
      if (!fill || editor.scalar(zero.inputs[1 - fillSide]) !== 0) continue;
      const value = fill.attributes.find((a) => a.name === 'value');
      const filled = value === undefined ? [0] : value.type === 'tensor' ? tensorNumbers(value.value) : null;
      // 0 · x is 0 only for finite x.
      if (filled?.length === 1 && Number.isFinite(filled[0])) return add.inputs[side];
    }
  }
  return name;
}

/** One Softmax's attention, as a MultiHeadAttention node replacing the producer of its merged output; or null. */
function matchAttention(editor: GraphEditor, softmax: OnnxNode): { output: OnnxNode; fused: OnnxNode } | null {
  if (intAttribute(softmax, 'axis', -1) !== -1) return null;
  // Softmax input: optional Cast to float, optional baddbmm zero term, optional scale, MatMul(q, kᵀ).
  let scores = softmax.inputs[0];
  const upcast = editor.producerOf(scores, 'Cast');
  if (upcast && intAttribute(upcast, 'to', 0) === 1) scores = upcast.inputs[0];
  scores = withoutZeroTerm(editor, scores);
  const [product, outerScale] = scaled(editor, scores);
  const qk = editor.producerOf(product, 'MatMul');
  if (!qk) return null;
  const [qName, qScale] = scaled(editor, qk.inputs[0]);
  const [kName, kScale] = scaled(editor, qk.inputs[1]);
  const q = headsOf(editor, qName);
  const k = keyHeadsOf(editor, kName);
  if (!q || !k || q.layout !== k.layout || q.heads !== k.heads) return null;

  // probs (optionally cast back) · v, then the heads merged back into [B, S, H·D].
  let probs = softmax.outputs[0];
  const consumers = editor.consumers(probs).filter((n) => n.opType !== 'Shape');
  if (consumers.length !== 1) return null;
  if (consumers[0].opType === 'Cast' && !consumers[0].domain) {
    const to = intAttribute(consumers[0], 'to', 0);
    if (to !== 1 && to !== 10) return null;
    probs = consumers[0].outputs[0];
  }
  const readers = editor.consumers(probs).filter((n) => n.opType !== 'Shape');
  const pv = readers.length === 1 && readers[0].opType === 'MatMul' ? readers[0] : undefined;
  if (!pv || pv.inputs[0] !== probs || pv.domain) return null;
  const v = headsOf(editor, pv.inputs[1]);
  if (!v || v.layout !== q.layout || v.heads !== q.heads) return null;
  const output = mergedOutput(editor, pv.outputs[0], q);
  if (!output) return null;

  const scale = outerScale * qScale * kScale;
  const fused = makeNode(
    'MultiHeadAttention',
    [q.source, k.source, v.source],
    [output.outputs[0]],
    [intAttr('num_heads', q.heads), floatAttr('scale', scale)],
    MS_DOMAIN,
    editor.freshName('MultiHeadAttention'),
  );
  return { output, fused };
}

/** The Reshape that ends the head merge of `name` ([B, S, H·D]), or null. */
function mergedOutput(editor: GraphEditor, name: string, heads: HeadSplit): OnnxNode | null {
  // Shape nodes of the exporter's size arithmetic also read these values; they die with the pattern.
  const only = (value: string) => {
    const readers = editor.consumers(value).filter((n) => n.opType !== 'Shape');
    return readers.length === 1 ? readers[0] : undefined;
  };
  let unsplit = name;
  let expectedHeadSize = heads.headSize;
  if (heads.layout === 'batched') {
    const split = only(name);
    if (split?.opType !== 'Reshape' || split.inputs[0] !== name) return null;
    const shape = symbolicVector(editor, split.inputs[1]);
    if (!shape || shape.length !== 4 || shape[1] !== heads.heads) return null;
    expectedHeadSize = shape[3];
    unsplit = split.outputs[0];
  }
  const transpose = only(unsplit);
  if (transpose?.opType !== 'Transpose' || !samePerm(transpose, [0, 2, 1, 3])) return null;
  const merge = only(transpose.outputs[0]);
  if (merge?.opType !== 'Reshape' || merge.inputs[0] !== transpose.outputs[0]) return null;
  const shape = symbolicVector(editor, merge.inputs[1]);
  if (!shape || shape.length !== 3) return null;
  const [batch, sequence, width] = shape;
  const known = typeof heads.headSize === 'number' ? heads.headSize * heads.heads : null;
  // [B, H, S, D] read off the attention product itself: H·D in either order.
  const fromProduct = [
    `(${dimension(name, 1)}*${dimension(name, 3)})`,
    `(${dimension(name, 3)}*${dimension(name, 1)})`,
  ];
  if (width !== times(expectedHeadSize, heads.heads) && width !== known && !fromProduct.includes(String(width)))
    return null;
  if (heads.layout === 'split') {
    // The merge must keep [B, S] in front (a [S, B, H·D] reshape would hold the same numbers in another shape).
    const batchOk = typeof batch === 'number' || batch === dimension(name, 0) || batch === dimension(heads.source, 0);
    const sequenceOk =
      typeof sequence === 'number' || sequence === dimension(name, 2) || sequence === dimension(heads.source, 1);
    if (!batchOk || !sequenceOk) return null;
  }
  return merge;
}

/** Fuses every attention it recognises; returns how many. */
export function fuseAttention(editor: GraphEditor): number {
  let count = 0;
  for (const softmax of editor.graph.nodes.filter((n) => n.opType === 'Softmax' && !n.domain)) {
    const match = matchAttention(editor, softmax);
    if (!match) continue;
    editor.replace(match.output, [match.fused]);
    count++;
  }
  return count;
}
