// An editable view of one ONNX graph for pattern rewrites: who produces and who consumes each value, constant
// lookup, and the clean-up every fusion relies on: a fusion only replaces the node that produces the pattern's
// output, and whatever nothing reads any more is then removed (so a value still used elsewhere stays computed).
import {
  DataType,
  elementCount,
  externalData,
  float32Values,
  inlineBytes,
  integerValues,
  type OnnxAttribute,
  type OnnxGraph,
  type OnnxNode,
  type OnnxTensor,
} from '../../formats/onnx';

export class GraphEditor {
  private producers = new Map<string, OnnxNode>();
  private consumerLists = new Map<string, OnnxNode[]>();
  private initializers = new Map<string, OnnxTensor>();
  private names = new Set<string>();
  private counter = 0;

  constructor(readonly graph: OnnxGraph) {
    this.reindex();
  }

  reindex(): void {
    this.producers.clear();
    this.consumerLists.clear();
    this.initializers = new Map(this.graph.initializers.map((t) => [t.name ?? '', t]));
    for (const node of this.graph.nodes) {
      for (const out of node.outputs) {
        this.producers.set(out, node);
        this.names.add(out);
      }
      for (const input of node.inputs) {
        if (!input) continue;
        const list = this.consumerLists.get(input) ?? [];
        list.push(node);
        this.consumerLists.set(input, list);
      }
    }
  }

  producer(name: string): OnnxNode | undefined {
    return this.producers.get(name);
  }

  consumers(name: string): readonly OnnxNode[] {
    return this.consumerLists.get(name) ?? [];
  }

  /** The node producing `name` when it has op type `op` (and, if given, the default or named domain). */
  producerOf(name: string | undefined, op: string): OnnxNode | undefined {
    if (name === undefined) return undefined;
    const node = this.producers.get(name);
    return node && node.opType === op && !node.domain ? node : undefined;
  }

  isGraphOutput(name: string): boolean {
    return this.graph.outputs.some((o) => o.name === name);
  }

  initializer(name: string): OnnxTensor | undefined {
    return this.initializers.get(name);
  }

  /** The constant tensor a value is (an initializer, a Constant node, through Identity nodes), if it is one. */
  constant(name: string | undefined): OnnxTensor | undefined {
    if (name === undefined) return undefined;
    const init = this.initializers.get(name);
    if (init) return init;
    const node = this.producers.get(name);
    if (!node || node.domain) return undefined;
    if (node.opType === 'Identity') return this.constant(node.inputs[0]);
    if (node.opType !== 'Constant') return undefined;
    const a = node.attributes[0];
    if (node.attributes.length !== 1) return undefined;
    if (a.type === 'tensor') return a.value;
    if (a.name === 'value_float' && a.type === 'float') return scalarTensor(DataType.FLOAT, a.value);
    if (a.name === 'value_int' && a.type === 'int') return scalarTensor(DataType.INT64, a.value);
    return undefined;
  }

  /** A constant's single value (any shape with one element), float or integer; null when not one. */
  scalar(name: string | undefined): number | null {
    const values = this.constantNumbers(name);
    return values && values.length === 1 ? values[0] : null;
  }

  /** A constant's values as numbers (float32/float16 aside: float32, int32 and int64 only). */
  constantNumbers(name: string | undefined): number[] | null {
    const t = this.constant(name);
    return t ? tensorNumbers(t) : null;
  }

  /** A name no value of the graph has yet. */
  freshName(base: string): string {
    let name: string;
    do name = `${base}_${++this.counter}`;
    while (this.names.has(name) || this.initializers.has(name));
    this.names.add(name);
    return name;
  }

  addInitializer(tensor: OnnxTensor): void {
    this.graph.initializers.push(tensor);
    this.initializers.set(tensor.name ?? '', tensor);
  }

  /** Puts `replacement` where `node` was (same position, so inputs defined earlier stay earlier). */
  replace(node: OnnxNode, replacement: OnnxNode[]): void {
    const at = this.graph.nodes.indexOf(node);
    if (at < 0) throw new Error(`node ${node.name ?? node.opType} is not in the graph`);
    this.graph.nodes.splice(at, 1, ...replacement);
    this.reindex();
  }

  /** Removes nodes whose outputs nobody reads (graph outputs count as read), then orders the rest topologically. */
  prune(): number {
    const live = new Set(this.graph.outputs.map((o) => o.name));
    const kept: OnnxNode[] = [];
    for (let i = this.graph.nodes.length - 1; i >= 0; i--) {
      const node = this.graph.nodes[i];
      if (!node.outputs.some((o) => live.has(o))) continue;
      kept.push(node);
      for (const input of node.inputs) if (input) live.add(input);
    }
    const removed = this.graph.nodes.length - kept.length;
    this.graph.nodes = topologicalOrder(kept.reverse(), this.graph);
    this.graph.initializers = this.graph.initializers.filter((t) => live.has(t.name ?? ''));
    const values = new Set(this.graph.nodes.flatMap((n) => n.outputs));
    this.graph.valueInfo = this.graph.valueInfo.filter((v) => values.has(v.name));
    this.reindex();
    return removed;
  }
}

/** A small in-model tensor's values as numbers (float32, double, int32, int64); null for others. */
export function tensorNumbers(t: OnnxTensor): number[] | null {
  if (externalData(t) || elementCount(t.dims) > 4096) return null;
  if (t.dataType === DataType.FLOAT) return [...float32Values(t)];
  if (t.dataType === DataType.INT64 || t.dataType === DataType.INT32) return integerValues(t);
  if (t.dataType === DataType.DOUBLE) return [...new Float64Array(inlineBytes(t).slice().buffer)];
  return null;
}

function scalarTensor(dataType: number, value: number): OnnxTensor {
  const bytes =
    dataType === DataType.FLOAT
      ? new Uint8Array(Float32Array.of(value).buffer)
      : new Uint8Array(BigInt64Array.of(BigInt(value)).buffer);
  return { dataType, dims: [], rawData: bytes, unknownFields: [] };
}

/** Kahn's order, keeping the given order wherever it is already valid. */
function topologicalOrder(nodes: OnnxNode[], graph: OnnxGraph): OnnxNode[] {
  const available = new Set<string>([
    '',
    ...graph.inputs.map((i) => i.name),
    ...graph.initializers.map((t) => t.name ?? ''),
  ]);
  // Subgraphs (If/Loop bodies) may read outer values: count those as inputs the node waits for.
  const produced = new Set(nodes.flatMap((n) => n.outputs));
  const needs = nodes.map((n) => [...n.inputs, ...outerReads(n)].filter((x) => produced.has(x)));
  const ordered: OnnxNode[] = [];
  const done = new Array<boolean>(nodes.length).fill(false);
  let progress = true;
  while (ordered.length < nodes.length && progress) {
    progress = false;
    for (let i = 0; i < nodes.length; i++) {
      if (done[i] || !needs[i].every((x) => available.has(x))) continue;
      done[i] = true;
      progress = true;
      ordered.push(nodes[i]);
      for (const out of nodes[i].outputs) available.add(out);
    }
  }
  if (ordered.length < nodes.length) throw new Error('the graph has a cycle');
  return ordered;
}

function outerReads(node: OnnxNode): string[] {
  const reads: string[] = [];
  const visit = (a: OnnxAttribute) => {
    const graphs = a.type === 'graph' ? [a.value] : a.type === 'graphs' ? a.value : [];
    for (const g of graphs) for (const n of g.nodes) reads.push(...n.inputs, ...outerReads(n));
  };
  node.attributes.forEach(visit);
  return reads;
}

/** A node's attribute by name. */
export function attribute(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attributes.find((a) => a.name === name);
}

export function intAttribute(node: OnnxNode, name: string, fallback: number): number {
  const a = attribute(node, name);
  return a?.type === 'int' ? a.value : fallback;
}

export function intsAttribute(node: OnnxNode, name: string): number[] | undefined {
  const a = attribute(node, name);
  return a?.type === 'ints' ? a.value : undefined;
}

const plain = { typed: true, unknownFields: [] as Uint8Array[] };

export const intAttr = (name: string, value: number): OnnxAttribute => ({ ...plain, name, type: 'int', value });
export const floatAttr = (name: string, value: number): OnnxAttribute => ({ ...plain, name, type: 'float', value });
export const intsAttr = (name: string, value: number[]): OnnxAttribute => ({ ...plain, name, type: 'ints', value });

export function makeNode(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: OnnxAttribute[] = [],
  domain?: string,
  name?: string,
): OnnxNode {
  const node: OnnxNode = { opType, inputs, outputs, attributes, unknownFields: [] };
  if (domain) node.domain = domain;
  if (name) node.name = name;
  return node;
}

export const MS_DOMAIN = 'com.microsoft';
