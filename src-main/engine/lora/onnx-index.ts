// A read-only index of an ONNX model's graph for weight merges, over the ONNX codec's decoding: which node reads and
// writes each value, and where each initializer's values lie in the model's bytes (raw_data is a view of them), so
// a merge rewrites them in place (same length) without re-encoding the model.
import { DataType, decodeModel, type OnnxTensor } from '../../formats/onnx';

export const FLOAT = DataType.FLOAT;
export const FLOAT16 = DataType.FLOAT16;

export interface GraphNode {
  name: string;
  op: string;
  inputs: string[];
  outputs: string[];
}

export interface InitializerInfo {
  name: string;
  dims: number[];
  /** ONNX TensorProto.DataType (1 float32, 10 float16, …). */
  dataType: number;
  /** Absolute byte offset of the values (raw_data) inside the model bytes; null when stored elsewhere. */
  offset: number | null;
  byteLength: number;
  external: boolean;
}

export interface GraphIndex {
  nodes: GraphNode[];
  initializers: Map<string, InitializerInfo>;
  /** The node that produces each value. */
  producers: Map<string, GraphNode>;
  /** The nodes that read each value. */
  consumers: Map<string, GraphNode[]>;
}

export function indexGraph(model: Uint8Array): GraphIndex {
  const { graph } = decodeModel(model);
  const nodes: GraphNode[] = graph.nodes.map((n) => ({
    name: n.name ?? '',
    op: n.opType,
    inputs: n.inputs,
    outputs: n.outputs,
  }));
  const initializers = new Map<string, InitializerInfo>();
  for (const tensor of graph.initializers) initializers.set(tensor.name ?? '', initializerInfo(model, tensor));
  const producers = new Map<string, GraphNode>();
  const consumers = new Map<string, GraphNode[]>();
  for (const node of nodes) {
    for (const output of node.outputs) producers.set(output, node);
    for (const input of node.inputs) {
      if (!consumers.has(input)) consumers.set(input, []);
      consumers.get(input)!.push(node);
    }
  }
  return { nodes, initializers, producers, consumers };
}

function initializerInfo(model: Uint8Array, tensor: OnnxTensor): InitializerInfo {
  const raw = tensor.rawData;
  // Only a view of these very bytes can be rewritten in place (float_data arrives as a decoded copy).
  const inPlace = raw !== undefined && raw.buffer === model.buffer;
  return {
    name: tensor.name ?? '',
    dims: tensor.dims,
    dataType: tensor.dataType,
    offset: inPlace ? raw.byteOffset - model.byteOffset : null,
    byteLength: raw?.length ?? 0,
    external: tensor.dataLocation === 1,
  };
}
