// Fixing a graph's symbolic input dimensions to one size, and folding the int64 shape arithmetic that then has one
// answer (Shape → Gather → Concat → Reshape …) into constants: GPU providers run that arithmetic on the CPU, one
// round trip per node. The values are computed by one CPU run of the graph itself, so they are exactly what the
// arithmetic gives; only values that depend on shapes alone (never on input data) are folded.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, encodeModel, rawTensor, writeModelFile, type OnnxModel, type OnnxNode } from '../../formats/onnx';
import { openSession, type PlainTensor } from '../onnx-session';
import { elementTypes } from './element-types';
import { GraphEditor } from './graph-editor';

/** Ops whose outputs depend on their inputs' values only (so a shape-only input makes a shape-only output). */
const pureOps = new Set([
  'Gather',
  'Unsqueeze',
  'Squeeze',
  'Concat',
  'Slice',
  'Cast',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Sqrt',
  'Reciprocal',
  'Floor',
  'Ceil',
  'Neg',
  'Equal',
  'Where',
  'Identity',
  'Reshape',
  'Max',
  'Min',
  'Mod',
  'Pow',
  'ReduceProd',
  'Abs',
]);

/** Sets each input's dimensions to `sizes[input][axis]` where given (a number replaces a symbolic name). */
export function fixInputDimensions(model: OnnxModel, sizes: Record<string, Array<number | null>>): void {
  for (const input of model.graph.inputs) {
    const wanted = sizes[input.name];
    const shape = input.type?.tensor?.shape;
    if (!wanted || !shape) continue;
    if (shape.length !== wanted.length)
      throw new Error(`input ${input.name} has ${shape.length} dimensions, the fixed size gives ${wanted.length}`);
    shape.forEach((dim, axis) => {
      const size = wanted[axis];
      if (size === null) return;
      if (dim.value !== undefined && dim.value !== size)
        throw new Error(`input ${input.name} has dimension ${axis} fixed at ${dim.value}, not ${size}`);
      delete dim.param;
      dim.value = size;
    });
  }
}

/** The values that depend on shapes only and are read by nodes that do not: what folding turns into constants. */
function foldableFrontier(editor: GraphEditor): string[] {
  const shapeOnly = new Set<string>();
  const constant = (name: string) => name === '' || editor.constant(name) !== undefined;
  const isFoldable = (node: OnnxNode): boolean => {
    if (node.domain) return false;
    if (node.opType === 'Shape' || node.opType === 'Size') return true;
    if (!pureOps.has(node.opType)) return false;
    // At least one input comes from a shape; the rest are shapes or constants.
    return node.inputs.some((i) => shapeOnly.has(i)) && node.inputs.every((i) => shapeOnly.has(i) || constant(i));
  };
  for (const node of editor.graph.nodes) if (isFoldable(node)) node.outputs.forEach((o) => shapeOnly.add(o));
  const frontier = new Set<string>();
  for (const node of editor.graph.nodes) {
    if (node.outputs.every((o) => shapeOnly.has(o))) continue;
    for (const input of node.inputs) if (shapeOnly.has(input)) frontier.add(input);
  }
  for (const output of editor.graph.outputs) if (shapeOnly.has(output.name)) frontier.add(output.name);
  return [...frontier];
}

/** Zero inputs of the graph's (now fixed) input shapes. */
function zeroFeeds(model: OnnxModel): Record<string, PlainTensor> {
  const feeds: Record<string, PlainTensor> = {};
  for (const input of model.graph.inputs) {
    const tensor = input.type?.tensor;
    const dims = tensor?.shape?.map((d) => d.value ?? -1) ?? [];
    if (dims.some((d) => d < 0)) throw new Error(`input ${input.name} still has a symbolic dimension`);
    const count = dims.reduce((a, b) => a * b, 1);
    if (tensor?.elemType === DataType.FLOAT)
      feeds[input.name] = { type: 'float32', data: new Float32Array(count), dims };
    else if (tensor?.elemType === DataType.FLOAT16)
      feeds[input.name] = { type: 'float16', data: new Uint16Array(count), dims };
    else if (tensor?.elemType === DataType.INT64)
      feeds[input.name] = { type: 'int64', data: new BigInt64Array(count), dims };
    else if (tensor?.elemType === DataType.INT32)
      feeds[input.name] = { type: 'int32', data: new Int32Array(count), dims };
    else throw new Error(`input ${input.name} has an element type the folding run cannot feed`);
  }
  return feeds;
}

/** Runs a copy of `model` that outputs `names`; their values. */
async function probe(model: OnnxModel, names: string[], threads: number): Promise<Record<string, PlainTensor>> {
  const outputs = names.map((name) => ({ name, unknownFields: [] }));
  const copy: OnnxModel = { ...model, graph: { ...model.graph, outputs, valueInfo: [] } };
  const settings = { providers: ['cpu'] as const, threads, log: () => {} };
  const bytes = modelSize(copy) < 2 ** 31 - 2 ** 24 ? encodeModel(copy) : null;
  const dir = bytes ? null : await mkdtemp(join(tmpdir(), 'studio-fold-'));
  try {
    const file = dir ? join(dir, 'probe.onnx') : 'shape-probe.onnx';
    if (dir) await writeModelFile(file, copy, { externalData: { location: 'probe.data', threshold: 1 << 16 } });
    const session = await openSession(file, { ...settings, providers: [...settings.providers] }, bytes ?? undefined);
    try {
      return await session.run(zeroFeeds(model));
    } finally {
      await session.release();
    }
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

const modelSize = (model: OnnxModel) =>
  model.graph.initializers.reduce((n, t) => n + (t.rawData?.length ?? 0), 0) + 64 * model.graph.nodes.length;

/** Folds the shape arithmetic of a graph whose inputs are all fixed; returns how many values became constants. */
export async function foldShapeArithmetic(model: OnnxModel, threads = 1): Promise<number> {
  const editor = new GraphEditor(model.graph);
  const types = elementTypes(model.graph);
  const frontier = foldableFrontier(editor).filter((name) => {
    const type = types.get(name);
    return type === DataType.INT64 || type === DataType.FLOAT || type === DataType.INT32;
  });
  if (frontier.length === 0) return 0;
  const values = await probe(model, frontier, threads);
  for (const name of frontier) {
    const value = values[name];
    if (!value || value.data.length > 4096) continue;
    const dataType = {
      float32: DataType.FLOAT,
      float16: DataType.FLOAT16,
      int32: DataType.INT32,
      int64: DataType.INT64,
    }[value.type];
    const data = new Uint8Array(
      value.data.buffer.slice(value.data.byteOffset, value.data.byteOffset + value.data.byteLength),
    );
    const constantName = editor.freshName(`${name}_folded`);
    editor.addInitializer(rawTensor(constantName, dataType, value.dims, data));
    for (const node of model.graph.nodes) node.inputs = node.inputs.map((i) => (i === name ? constantName : i));
    for (const output of model.graph.outputs)
      if (output.name === name) model.graph.nodes.push(identity(constantName, name));
  }
  editor.reindex();
  editor.prune();
  return frontier.length;
}

const identity = (from: string, to: string): OnnxNode => ({
  opType: 'Identity',
  inputs: [from],
  outputs: [to],
  attributes: [],
  unknownFields: [],
});
