// Test support: small ONNX graphs with real ops and weights, for merge tests that ORT can run.
import { float32ToHalf } from '../../../formats/float16';
import { DataType, encodeModel, float32Tensor, rawTensor, type OnnxTensor } from '../../../formats/onnx';
import { intAttr, intsAttr, makeNode } from '../../graph-optimizer/graph-editor';
import { valueInfo } from '../../graph-optimizer/test-support/graph-builder';

export interface NodeDecl {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  /** Integer attributes (e.g. Gemm transB, Softmax axis) and int-list attributes (Transpose perm). */
  ints?: Record<string, number | number[]>;
}

export interface InitializerDecl {
  name: string;
  dims: number[];
  values: ArrayLike<number>;
  type?: 'float32' | 'float16';
}

export interface ModelDecl {
  inputs: { name: string; shape: number[] }[];
  outputs: { name: string; shape: number[] }[];
  nodes: NodeDecl[];
  initializers: InitializerDecl[];
}

function tensor(decl: InitializerDecl): OnnxTensor {
  const values = Float32Array.from(decl.values);
  if (decl.type !== 'float16') return float32Tensor(decl.name, decl.dims, values);
  return rawTensor(decl.name, DataType.FLOAT16, decl.dims, new Uint8Array(float32ToHalf(values).buffer));
}

export function buildModel(decl: ModelDecl): Uint8Array {
  const nodes = decl.nodes.map((n, i) => {
    const attributes = Object.entries(n.ints ?? {}).map(([k, v]) =>
      Array.isArray(v) ? intsAttr(k, v) : intAttr(k, v),
    );
    return makeNode(n.op, n.inputs, n.outputs, attributes, undefined, n.name ?? `${n.op}_${i}`);
  });
  return encodeModel({
    irVersion: 8,
    graph: {
      name: 'g',
      nodes,
      initializers: decl.initializers.map(tensor),
      inputs: decl.inputs.map((i) => valueInfo(i.name, i.shape)),
      outputs: decl.outputs.map((o) => valueInfo(o.name, o.shape)),
      valueInfo: [],
      unknownFields: [],
    },
    opsetImports: [{ domain: '', version: 14 }],
    metadata: [],
    unknownFields: [],
  });
}
