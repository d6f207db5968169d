// float32 → float16 for weights and activations, with the graph's inputs and outputs kept float32 and the
// numerically sensitive operators kept float32 between Casts: an unfused softmax, group norm's
// InstanceNormalization, and the sinusoidal timestep embedding (sin/cos of t·f reaches ~1000, past fp16's precision;
// diffusers computes it in float32 too). Every other float value becomes float16; Casts go where the two meet.
import { float32ToHalf } from '../../formats/float16';
import { DataType, float32Values, type OnnxGraph, type OnnxNode, type OnnxTensor } from '../../formats/onnx';
import { elementTypes } from './element-types';
import { attribute, GraphEditor, intAttr, makeNode } from './graph-editor';

const keptInFloat32 = new Set(['Softmax', 'InstanceNormalization', 'Sin', 'Cos', 'Range', 'RandomNormalLike']);

/** Inputs that must stay float32 whatever the data type (Resize's roi and scales). */
const float32Slots: Record<string, number[]> = { Resize: [1, 2], Upsample: [1] };

/** Inputs that take any type (their type does not decide the node's arithmetic). */
const anyTypeSlots: Record<string, number[]> = { Shape: [0], Size: [0], Cast: [0] };

/** Nodes computing the timestep embedding: everything a Sin or Cos reads, back to the graph's inputs. */
function embeddingNodes(editor: GraphEditor): Set<OnnxNode> {
  const found = new Set<OnnxNode>();
  const visit = (name: string) => {
    const node = editor.producer(name);
    if (!node || found.has(node)) return;
    found.add(node);
    node.inputs.forEach(visit);
  };
  for (const node of editor.graph.nodes) if (node.opType === 'Sin' || node.opType === 'Cos') node.inputs.forEach(visit);
  return found;
}

function halfTensor(t: OnnxTensor): OnnxTensor {
  const half = float32ToHalf(float32Values(t));
  return {
    name: t.name,
    dims: t.dims,
    dataType: DataType.FLOAT16,
    rawData: new Uint8Array(half.buffer),
    unknownFields: [],
  };
}

/** Converts `graph` in place (its initializers must be in the model, not external); returns the weights converted. */
export function convertToFloat16(graph: OnnxGraph): number {
  const editor = new GraphEditor(graph);
  const types = elementTypes(graph);
  const float32Nodes = embeddingNodes(editor);
  for (const node of graph.nodes) if (keptInFloat32.has(node.opType) && !node.domain) float32Nodes.add(node);
  const isFloat = (name: string) => types.get(name) === DataType.FLOAT;

  /** What a node's input slot needs: 'half', 'float' or 'any'. */
  const wants = (node: OnnxNode, slot: number): 'half' | 'float' | 'any' => {
    if (!node.domain && anyTypeSlots[node.opType]?.includes(slot)) return 'any';
    if (!node.domain && float32Slots[node.opType]?.includes(slot)) return 'float';
    return float32Nodes.has(node) ? 'float' : 'half';
  };

  // Which float values become half: outputs of converted nodes, and constants every reader wants as half.
  const half = new Set<string>();
  const constants = new Map(graph.initializers.map((t) => [t.name ?? '', t]));
  for (const node of graph.nodes) {
    if (float32Nodes.has(node)) continue;
    if (node.opType === 'Constant' && !node.domain) {
      const readers = editor.consumers(node.outputs[0]);
      const value = attribute(node, 'value');
      if (
        isFloat(node.outputs[0]) &&
        value?.type === 'tensor' &&
        readers.every((r) => r.inputs.every((x, i) => x !== node.outputs[0] || wants(r, i) !== 'float'))
      ) {
        value.value = halfTensor(value.value);
        half.add(node.outputs[0]);
      }
      continue;
    }
    for (const output of node.outputs) if (isFloat(output)) half.add(output);
    if (node.opType === 'Cast' && intAttribute(node) === DataType.FLOAT) setCastTarget(node, DataType.FLOAT16);
    if (node.opType === 'ConstantOfShape') {
      const value = attribute(node, 'value');
      if (value?.type === 'tensor' && value.value.dataType === DataType.FLOAT) value.value = halfTensor(value.value);
    }
  }
  let converted = 0;
  for (const [name, tensor] of constants) {
    if (tensor.dataType !== DataType.FLOAT) continue;
    const readers = editor.consumers(name);
    if (readers.length === 0 || !readers.every((r) => r.inputs.every((x, i) => x !== name || wants(r, i) !== 'float')))
      continue;
    if (!readers.some((r) => r.inputs.some((x, i) => x === name && wants(r, i) === 'half'))) continue;
    const index = graph.initializers.indexOf(tensor);
    graph.initializers[index] = halfTensor(tensor);
    half.add(name);
    converted++;
  }

  // Casts where a value's type and a reader's need differ, one per value and direction.
  const casts = new Map<string, string>();
  const castTo = (name: string, to: number, before: OnnxNode): string => {
    const key = `${name}\0${to}`;
    let cast = casts.get(key);
    if (!cast) {
      cast = editor.freshName(`${name}_${to === DataType.FLOAT16 ? 'fp16' : 'fp32'}`);
      casts.set(key, cast);
      graph.nodes.splice(graph.nodes.indexOf(before), 0, makeNode('Cast', [name], [cast], [intAttr('to', to)]));
    }
    return cast;
  };
  for (const node of [...graph.nodes]) {
    node.inputs.forEach((name, slot) => {
      if (!name || !(isFloat(name) || half.has(name))) return;
      const need = wants(node, slot);
      if (need === 'half' && !half.has(name)) node.inputs[slot] = castTo(name, DataType.FLOAT16, node);
      if (need === 'float' && half.has(name)) node.inputs[slot] = castTo(name, DataType.FLOAT, node);
    });
  }
  // Graph outputs stay float32: the half value gets a new name and a Cast gives the old one.
  for (const output of graph.outputs) {
    if (!half.has(output.name)) continue;
    const renamed = editor.freshName(`${output.name}_fp16`);
    for (const node of graph.nodes) {
      node.outputs = node.outputs.map((o) => (o === output.name ? renamed : o));
      node.inputs = node.inputs.map((i) => (i === output.name ? renamed : i));
    }
    graph.nodes.push(makeNode('Cast', [renamed], [output.name], [intAttr('to', DataType.FLOAT)]));
  }
  // Shapes recorded for the float32 graph would now name the wrong element type.
  graph.valueInfo = graph.valueInfo.filter((v) => !half.has(v.name));
  editor.reindex();
  editor.prune();
  return converted;
}

function intAttribute(node: OnnxNode): number | undefined {
  const to = attribute(node, 'to');
  return to?.type === 'int' ? to.value : undefined;
}

function setCastTarget(node: OnnxNode, to: number): void {
  node.attributes = node.attributes.map((a) => (a.name === 'to' && a.type === 'int' ? { ...a, value: to } : a));
}
