// A read-only index of an ONNX model's graph for weight merges (onnx.proto: ModelProto.graph = 7; GraphProto.node = 1,
// initializer = 5; NodeProto input = 1, output = 2, name = 3, op_type = 4; TensorProto dims = 1, data_type = 2,
// float_data = 4, name = 8, raw_data = 9, data_location = 14): where each initializer's values lie in the bytes, so a
// merge rewrites them in place (same length) without re-encoding the model.
import { payload, readFields, readVarint, text, type Field } from '../concepts/protobuf';

export const FLOAT = 1;
export const FLOAT16 = 10;

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
  /** Absolute byte range of the values inside the model bytes (raw_data or packed float_data); null when external. */
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
  const graph = readFields(model).find((f) => f.number === 7 && f.wire === 2);
  if (!graph) throw new Error('the ONNX model has no graph');
  const graphBytes = payload(model, graph);
  const nodes: GraphNode[] = [];
  const initializers = new Map<string, InitializerInfo>();
  for (const field of readFields(graphBytes)) {
    if (field.number === 1 && field.wire === 2) nodes.push(readNode(payload(graphBytes, field)));
    if (field.number === 5 && field.wire === 2) {
      const info = readInitializer(graphBytes, field, graph.payloadStart);
      initializers.set(info.name, info);
    }
  }
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

function readNode(bytes: Uint8Array): GraphNode {
  const fields = readFields(bytes);
  const strings = (n: number) => fields.filter((f) => f.number === n && f.wire === 2).map((f) => text(bytes, f));
  return { name: strings(3)[0] ?? '', op: strings(4)[0] ?? '', inputs: strings(1), outputs: strings(2) };
}

function readInitializer(graphBytes: Uint8Array, field: Field, graphStart: number): InitializerInfo {
  const tensor = payload(graphBytes, field);
  const tensorStart = graphStart + field.payloadStart;
  const parts = readFields(tensor);
  const nameField = parts.find((p) => p.number === 8 && p.wire === 2);
  const dims: number[] = [];
  for (const p of parts.filter((f) => f.number === 1)) {
    if (p.wire === 0) dims.push(p.value);
    else
      for (let at = 0, data = payload(tensor, p); at < data.length;) {
        let value: number;
        [value, at] = readVarint(data, at);
        dims.push(value);
      }
  }
  const dataType = parts.find((p) => p.number === 2 && p.wire === 0)?.value ?? 0;
  const external = parts.some((p) => p.number === 14 && p.wire === 0 && p.value === 1);
  // Packed float_data holds float32 as raw little-endian bytes, the same layout as raw_data.
  const values = parts.find((p) => p.wire === 2 && (p.number === 9 || (p.number === 4 && dataType === FLOAT)));
  return {
    name: nameField ? text(tensor, nameField) : '',
    dims,
    dataType,
    offset: values && !external ? tensorStart + values.payloadStart : null,
    byteLength: values?.value ?? 0,
    external,
  };
}
