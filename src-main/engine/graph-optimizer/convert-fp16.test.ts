import { describe, expect, it } from 'vitest';
import { DataType, encodeModel } from '../../formats/onnx';
import { expectSameOutputs, GraphBuilder, randomFeeds } from './test-support/graph-builder';
import { convertToFloat16 } from './convert-fp16';

const inputs = { x: [2, 5, 8] };

function graph() {
  const b = new GraphBuilder(inputs);
  const projected = b.node('MatMul', ['x', b.weight([8, 8], 1)]);
  const probs = b.node('Softmax', [b.node('Mul', [projected, b.float(0.25)])], { axis: -1 });
  const normed = b.node('InstanceNormalization', [probs, b.weight([5], 2), b.weight([5], 3)]);
  return b.build(b.node('Add', [normed, b.weight([8], 4)]));
}

describe('fp16 conversion', () => {
  it('converts weights and activations, keeping graph I/O, softmax and instance norm in fp32, within 1e-2', async () => {
    const model = graph();
    const before = encodeModel(model);
    expect(convertToFloat16(model.graph)).toBe(3); // the MatMul weight, the scale and the bias; not the norm's
    expect(model.graph.inputs[0].type?.tensor?.elemType).toBe(DataType.FLOAT);
    const ops = model.graph.nodes.map((n) =>
      n.opType === 'Cast' ? `Cast(${n.attributes[0].type === 'int' && n.attributes[0].value})` : n.opType,
    );
    expect(ops).toEqual([
      'Cast(10)',
      'MatMul',
      'Mul',
      'Cast(1)',
      'Softmax',
      'InstanceNormalization',
      'Cast(10)',
      'Add',
      'Cast(1)',
    ]);
    const norm = model.graph.nodes.find((n) => n.opType === 'InstanceNormalization')!;
    expect(norm.inputs.slice(1).map((w) => model.graph.initializers.find((t) => t.name === w)?.dataType)).toEqual([
      DataType.FLOAT,
      DataType.FLOAT,
    ]);
    await expectSameOutputs(before, model, randomFeeds(inputs), 1e-2);
  });
});
