import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../formats/onnx';
import { expectSameOutputs, GraphBuilder, opTypes, randomFeeds } from './test-support/graph-builder';
import { fuseModel } from './optimize-graph';

// batch 2, 16 query positions, 6 key positions, 2 heads of 4.
const inputs = { x: [2, 16, 8], context: [2, 6, 8] };

/** diffusers' AttnProcessor as torch < 2 exports it: heads folded into the batch, baddbmm with a zero term. */
function classic(options: { mask?: boolean; softmaxAxis?: number; perm?: number[] } = {}) {
  const b = new GraphBuilder(inputs);
  const project = (from: string, seed: number) => b.node('MatMul', [from, b.weight([8, 8], seed)]);
  const toBatched = (v: string, length: number) => {
    const split = b.node('Reshape', [v, b.ints([2, length, 2, 4])]);
    const t = b.node('Transpose', [split], { perm: options.perm ?? [0, 2, 1, 3] });
    return b.node('Reshape', [t, b.ints([4, length, 4])]);
  };
  const q = toBatched(project('x', 1), 16);
  const k = toBatched(project('context', 2), 6);
  const v = toBatched(project('context', 3), 6);
  const scores = b.node('Mul', [b.node('MatMul', [q, b.node('Transpose', [k], { perm: [0, 2, 1] })]), b.float(0.5)]);
  const zero = b.node('Mul', [b.node('ConstantOfShape', [b.ints([4, 16, 6])]), b.float(0)]);
  let logits = b.node('Add', [scores, zero]);
  if (options.mask) logits = b.node('Add', [logits, b.weight([16, 6], 9)]);
  const probs = b.node('Softmax', [logits], { axis: options.softmaxAxis ?? -1 });
  const out = b.node('MatMul', [probs, v]);
  const heads = b.node('Transpose', [b.node('Reshape', [out, b.ints([2, 2, 16, 4])])], { perm: [0, 2, 1, 3] });
  const merged = b.node('Reshape', [heads, b.ints([2, 16, 8])]);
  return b.build(b.node('MatMul', [merged, b.weight([8, 8], 4)]));
}

/**
 * torch ≥ 2's scaled_dot_product_attention: [B, H, S, D] heads, √scale on q and on kᵀ; the scale a constant, or
 * computed from q's shape as torch's exporter writes the default one: √(1/√(Cast(Shape(q)[-1:]))).
 */
function sdpa(computedScale = false, oneTranspose = false) {
  const b = new GraphBuilder(inputs);
  const heads = (from: string, seed: number) => {
    const split = b.node('Reshape', [b.node('MatMul', [from, b.weight([8, 8], seed)]), b.ints([2, -1, 2, 4])]);
    return b.node('Transpose', [split], { perm: [0, 2, 1, 3] });
  };
  const q4 = heads('x', 1);
  let root = b.float(Math.sqrt(1 / Math.sqrt(4)));
  if (computedScale) {
    const size = b.node('Slice', [b.node('Shape', [q4]), b.ints([-1]), b.ints([2 ** 63])]);
    const scale = b.node('Div', [b.float(1), b.node('Sqrt', [b.node('Cast', [size], { to: 1 })])]);
    root = b.node('Sqrt', [scale]);
  }
  const q = b.node('Mul', [q4, root]);
  let kT = b.node('Mul', [b.node('Transpose', [heads('context', 2)], { perm: [0, 1, 3, 2] }), root]);
  if (oneTranspose) {
    // kᵀ straight from the head split, the scale D^-0.5 on the product (the bundled model's own attention).
    const split = b.node('Reshape', [b.node('MatMul', ['context', b.weight([8, 8], 2)]), b.ints([2, -1, 2, 4])]);
    kT = b.node('Transpose', [split], { perm: [0, 2, 3, 1] });
    const size = b.node('Cast', [b.node('Gather', [b.node('Shape', [q4]), b.ints([3])])], { to: 1 });
    const scores = b.node('Mul', [b.node('MatMul', [q4, kT]), b.node('Pow', [size, b.float(-0.5)])]);
    const probs = b.node('Softmax', [scores], { axis: -1 });
    const out = b.node('Transpose', [b.node('MatMul', [probs, heads('context', 3)])], { perm: [0, 2, 1, 3] });
    return b.build(b.node('Reshape', [out, b.ints([2, -1, 8])]));
  }
  const probs = b.node('Softmax', [b.node('MatMul', [q, kT])], { axis: -1 });
  const out = b.node('Transpose', [b.node('MatMul', [probs, heads('context', 3)])], { perm: [0, 2, 1, 3] });
  return b.build(b.node('Reshape', [out, b.ints([2, -1, 8])]));
}

describe('attention fusion', () => {
  it('fuses the AttnProcessor (baddbmm) pattern into MultiHeadAttention with the same outputs', async () => {
    const model = classic();
    const before = encodeModel(model);
    expect(fuseModel(model)).toEqual({ MultiHeadAttention: 1 });
    expect(opTypes(model)).toEqual(['MatMul', 'MatMul', 'MatMul', 'MultiHeadAttention', 'MatMul']);
    const mha = model.graph.nodes[3];
    expect(mha.domain).toBe('com.microsoft');
    expect(mha.attributes.map((a) => [a.name, a.type !== 'other' && a.value])).toEqual([
      ['num_heads', 2],
      ['scale', 0.5],
    ]);
    expect(model.opsetImports).toContainEqual({ domain: 'com.microsoft', version: 1 });
    await expectSameOutputs(before, model, randomFeeds(inputs));
  });

  it('fuses the scaled_dot_product_attention pattern', async () => {
    const model = sdpa();
    const before = encodeModel(model);
    expect(fuseModel(model)).toEqual({ MultiHeadAttention: 1 });
    const scale = model.graph.nodes.find((n) => n.opType === 'MultiHeadAttention')!.attributes[1];
    expect(scale.type === 'float' && scale.value).toBeCloseTo(0.5, 6);
    await expectSameOutputs(before, model, randomFeeds(inputs));
  });

  it('fuses the scaled_dot_product_attention pattern with the scale computed from the head size', async () => {
    const model = sdpa(true);
    const before = encodeModel(model);
    expect(fuseModel(model)).toEqual({ MultiHeadAttention: 1 });
    expect(model.graph.nodes.map((n) => n.opType)).not.toContain('Shape');
    await expectSameOutputs(before, model, randomFeeds(inputs));
  });

  it('fuses attention with kᵀ in one transpose and the scale as a power of the head size', async () => {
    const model = sdpa(false, true);
    const before = encodeModel(model);
    expect(fuseModel(model)).toEqual({ MultiHeadAttention: 1 });
    await expectSameOutputs(before, model, randomFeeds(inputs));
  });

  it('leaves a masked attention alone (MultiHeadAttention here has no additive mask)', () => {
    const model = classic({ mask: true });
    expect(fuseModel(model)).toEqual({});
    expect(opTypes(model)).toContain('Softmax');
  });

  it('leaves a softmax over another axis alone', () => {
    expect(fuseModel(classic({ softmaxAxis: 1 }))).toEqual({});
  });

  it('leaves a head split that is not [B, S, H, D] → [B, H, S, D] alone', () => {
    expect(fuseModel(classic({ perm: [0, 1, 2, 3] }))).toEqual({});
  });
});
