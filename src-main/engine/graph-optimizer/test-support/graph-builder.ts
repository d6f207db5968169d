// Test support: small ONNX graphs built node by node, and a check that two versions of a graph give the same outputs
// on ONNX Runtime's CPU provider.
import { Tensor } from 'onnxruntime-node';
import { expect } from 'vitest';
import {
  DataType,
  encodeModel,
  float32Tensor,
  int64Tensor,
  type OnnxAttribute,
  type OnnxModel,
  type OnnxNode,
  type ValueInfo,
} from '../../../formats/onnx';
import { relativeError, runOnCpu } from '../../test-support/fixture-feeds';
import { floatAttr, intAttr, intsAttr, makeNode } from '../graph-editor';

type AttributeValue = number | number[] | { float: number };

export class GraphBuilder {
  private nodes: OnnxNode[] = [];
  private model: OnnxModel;
  private count = 0;

  constructor(inputs: Record<string, number[]>) {
    this.model = {
      irVersion: 8,
      graph: {
        name: 'test',
        nodes: this.nodes,
        initializers: [],
        inputs: Object.entries(inputs).map(([name, shape]) => valueInfo(name, shape)),
        outputs: [],
        valueInfo: [],
        unknownFields: [],
      },
      opsetImports: [{ domain: '', version: 14 }],
      metadata: [],
      unknownFields: [],
    };
  }

  /** Adds a node; returns its (first) output. Integer attributes as numbers, floats as { float }. */
  node(op: string, inputs: string[], attributes: Record<string, AttributeValue> = {}): string {
    const output = `v${++this.count}`;
    const attrs: OnnxAttribute[] = Object.entries(attributes).map(([name, value]) =>
      Array.isArray(value)
        ? intsAttr(name, value)
        : typeof value === 'number'
          ? intAttr(name, value)
          : floatAttr(name, value.float),
    );
    this.nodes.push(makeNode(op, inputs, [output], attrs));
    return output;
  }

  weight(dims: number[], seed: number, scale = 0.5): string {
    const name = `w${++this.count}`;
    const values = Float32Array.from(
      { length: dims.reduce((a, b) => a * b, 1) },
      (_, i) => Math.sin(seed * 7.1 + i * 1.3) * scale,
    );
    this.model.graph.initializers.push(float32Tensor(name, dims, values));
    return name;
  }

  float(value: number): string {
    const name = `c${++this.count}`;
    this.model.graph.initializers.push(float32Tensor(name, [], [value]));
    return name;
  }

  ints(values: number[]): string {
    const name = `s${++this.count}`;
    this.model.graph.initializers.push(int64Tensor(name, [values.length], values));
    return name;
  }

  build(...outputs: string[]): OnnxModel {
    this.model.graph.outputs = outputs.map((name) => valueInfo(name));
    return this.model;
  }
}

/** A float32 graph input or output, of a fixed shape when one is given. */
export function valueInfo(name: string, shape?: number[]): ValueInfo {
  return {
    name,
    type: {
      tensor: { elemType: DataType.FLOAT, shape: shape?.map((value) => ({ value })) },
      unknownFields: [],
    },
    unknownFields: [],
  };
}

/** Fixed pseudo-random float32 inputs of the given shapes. */
export function randomFeeds(inputs: Record<string, number[]>): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  let seed = 1;
  for (const [name, shape] of Object.entries(inputs)) {
    const count = shape.reduce((a, b) => a * b, 1);
    const s = seed++;
    feeds[name] = new Tensor(
      'float32',
      Float32Array.from({ length: count }, (_, i) => Math.cos(s * 3.7 + i * 0.61)),
      shape,
    );
  }
  return feeds;
}

/** Both models run on the CPU and agree output for output within `tolerance` (relative to the largest value). */
export async function expectSameOutputs(
  before: Uint8Array,
  after: OnnxModel | Uint8Array,
  feeds: Record<string, Tensor>,
  tolerance = 1e-4,
): Promise<void> {
  const a = await runOnCpu(before, feeds);
  const b = await runOnCpu(after instanceof Uint8Array ? after : encodeModel(after), feeds);
  expect(Object.keys(b)).toEqual(Object.keys(a));
  for (const name of Object.keys(a)) expect(relativeError(a[name], b[name])).toBeLessThanOrEqual(tolerance);
}

export const opTypes = (model: OnnxModel): string[] => model.graph.nodes.map((n) => n.opType);
