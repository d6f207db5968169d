import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../formats/onnx';
import { expectSameOutputs, GraphBuilder, opTypes, randomFeeds } from './test-support/graph-builder';
import { fuseModel } from './optimize-graph';

const inputs = { a: [2, 5, 8], b: [2, 5, 8] };

/** torch's LayerNorm at opset 14: ReduceMean, Sub, Pow, ReduceMean, Add ε, Sqrt, Div, Mul γ, Add β. */
function layerNorm(b: GraphBuilder, x: string, options: { exponent?: number; axes?: number[] } = {}): string {
  const axes = options.axes ?? [-1];
  const centred = b.node('Sub', [x, b.node('ReduceMean', [x], { axes })]);
  const variance = b.node('ReduceMean', [b.node('Pow', [centred, b.float(options.exponent ?? 2)])], { axes });
  const normed = b.node('Div', [centred, b.node('Sqrt', [b.node('Add', [variance, b.float(1e-5)])])]);
  return b.node('Add', [b.node('Mul', [normed, b.weight([8], 1)]), b.weight([8], 2)]);
}

describe('layer-norm fusion', () => {
  it('fuses a normalisation of a plain input into LayerNormalization', async () => {
    const b = new GraphBuilder(inputs);
    const model = b.build(layerNorm(b, 'a'));
    const before = encodeModel(model);
    expect(fuseModel(model)).toEqual({ LayerNormalization: 1 });
    expect(opTypes(model)).toEqual(['LayerNormalization']);
    await expectSameOutputs(before, model, randomFeeds(inputs));
  });

  it('fuses a normalised residual sum into SkipLayerNormalization, keeping the sum for its other readers', async () => {
    const b = new GraphBuilder(inputs);
    const sum = b.node('Add', ['a', 'b']);
    const model = b.build(layerNorm(b, sum), b.node('Mul', [sum, b.float(3)]));
    const before = encodeModel(model);
    expect(fuseModel(model)).toEqual({ SkipLayerNormalization: 1 });
    expect(opTypes(model)).toEqual(['SkipLayerNormalization', 'Mul']);
    await expectSameOutputs(before, model, randomFeeds(inputs));
  });

  it('leaves other reductions alone', () => {
    for (const options of [{ exponent: 3 }, { axes: [1] }]) {
      const b = new GraphBuilder(inputs);
      expect(fuseModel(b.build(layerNorm(b, 'a', options)))).toEqual({});
    }
  });
});
