import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../formats/onnx';
import { expectSameOutputs, GraphBuilder, opTypes, randomFeeds } from './test-support/graph-builder';
import { fuseModel } from './optimize-graph';

const inputs = { x: [2, 5, 8] };

/** x·½·(1 + erf(x/√2)) as torch exports F.gelu; `sqrt2` lets a test break it. */
function gelu(b: GraphBuilder, x: string, sqrt2 = Math.SQRT2): string {
  const erf = b.node('Erf', [b.node('Div', [x, b.float(sqrt2)])]);
  return b.node('Mul', [b.node('Mul', [x, b.node('Add', [erf, b.float(1)])]), b.float(0.5)]);
}

describe('GELU fusion', () => {
  it('fuses GELU of a plain value into Gelu', async () => {
    const b = new GraphBuilder(inputs);
    const model = b.build(gelu(b, 'x'));
    const before = encodeModel(model);
    expect(fuseModel(model)).toEqual({ Gelu: 1 });
    expect(opTypes(model)).toEqual(['Gelu']);
    await expectSameOutputs(before, model, randomFeeds(inputs));
  });

  it('fuses GELU of a projection plus bias into BiasGelu', async () => {
    const b = new GraphBuilder(inputs);
    const projected = b.node('Add', [b.node('MatMul', ['x', b.weight([8, 16], 1)]), b.weight([16], 2)]);
    const model = b.build(gelu(b, projected));
    const before = encodeModel(model);
    expect(fuseModel(model)).toEqual({ BiasGelu: 1 });
    expect(opTypes(model)).toEqual(['MatMul', 'BiasGelu']);
    await expectSameOutputs(before, model, randomFeeds(inputs));
  });

  it("fuses CLIP's quick GELU into QuickGelu", async () => {
    const b = new GraphBuilder(inputs);
    const model = b.build(b.node('Mul', ['x', b.node('Sigmoid', [b.node('Mul', ['x', b.float(1.702)])])]));
    const before = encodeModel(model);
    expect(fuseModel(model)).toEqual({ QuickGelu: 1 });
    await expectSameOutputs(before, model, randomFeeds(inputs));
  });

  it('leaves a look-alike with another constant alone', () => {
    const b = new GraphBuilder(inputs);
    expect(fuseModel(b.build(gelu(b, 'x', 1.5)))).toEqual({});
  });
});
