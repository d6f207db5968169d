import { describe, expect, it } from 'vitest';
import { encodeModel, type OnnxModel } from '../../formats/onnx';
import { expectSameOutputs, GraphBuilder, opTypes, randomFeeds } from './test-support/graph-builder';
import { fixInputDimensions, foldShapeArithmetic } from './fix-dimensions';

/** x [batch, n, 8] → Reshape to [batch, n, 2, 4] through exported-style shape arithmetic, plus a data-dependent value. */
function exported(): OnnxModel {
  const b = new GraphBuilder({ x: [2, 6, 8] });
  // Gather with a one-element index gives a one-element vector, ready for Concat.
  const dim = (axis: number) => b.node('Gather', [b.node('Shape', ['x']), b.ints([axis])]);
  const shape = b.node('Concat', [dim(0), dim(1), b.ints([2]), b.ints([4])], { axis: 0 });
  const split = b.node('Reshape', ['x', shape]);
  // A value computed from the input's data, never folded.
  const data = b.node('Sqrt', [b.node('ReduceMax', ['x'], { keepdims: 0 })]);
  const model = b.build(b.node('Transpose', [split], { perm: [0, 2, 1, 3] }), data);
  // Symbolic batch and length, as exporters write them.
  model.graph.inputs[0].type!.tensor!.shape = [{ param: 'batch' }, { param: 'n' }, { value: 8 }];
  return model;
}

describe('fixing dimensions', () => {
  it('fixes symbolic input dimensions and folds the shape arithmetic into constants', async () => {
    const model = exported();
    const before = encodeModel(model);
    fixInputDimensions(model, { x: [2, 6, null] });
    expect(model.graph.inputs[0].type?.tensor?.shape).toEqual([{ value: 2 }, { value: 6 }, { value: 8 }]);
    expect(await foldShapeArithmetic(model)).toBe(1);
    expect(opTypes(model).sort()).toEqual(['ReduceMax', 'Reshape', 'Sqrt', 'Transpose']);
    await expectSameOutputs(before, model, randomFeeds({ x: [2, 6, 8] }), 0);
  });

  it('refuses a size that contradicts a fixed dimension', () => {
    expect(() => fixInputDimensions(exported(), { x: [2, 6, 16] })).toThrow(/dimension 2 fixed at 8, not 16/);
    expect(() => fixInputDimensions(exported(), { x: [2, 6] })).toThrow(/3 dimensions/);
  });
});
