// The element type of every value in a graph, inferred forward from inputs, initializers and constants with the
// typing rules of the operators exported diffusion graphs use (unknown operators take their first input's type).
import { DataType, type OnnxGraph } from '../../formats/onnx';
import { attribute, intAttribute } from './graph-editor';

const int64Outputs = new Set(['Shape', 'Size', 'ArgMax', 'ArgMin', 'NonZero']);
const boolOutputs = new Set([
  'Equal',
  'Less',
  'Greater',
  'LessOrEqual',
  'GreaterOrEqual',
  'Not',
  'And',
  'Or',
  'Xor',
  'IsNaN',
  'IsInf',
]);
const subgraphOps = new Set(['If', 'Loop', 'Scan']);

export function elementTypes(graph: OnnxGraph): Map<string, number> {
  const types = new Map<string, number>();
  for (const input of graph.inputs) if (input.type?.tensor?.elemType) types.set(input.name, input.type.tensor.elemType);
  for (const t of graph.initializers) types.set(t.name ?? '', t.dataType);
  for (const node of graph.nodes) {
    if (subgraphOps.has(node.opType) && !node.domain)
      throw new Error(`graphs with ${node.opType} nodes are not supported by the fp16 conversion`);
    const first = node.inputs.map((i) => types.get(i)).find((t) => t !== undefined);
    let type: number | undefined = first;
    if (int64Outputs.has(node.opType)) type = DataType.INT64;
    else if (boolOutputs.has(node.opType)) type = DataType.BOOL;
    else if (node.opType === 'Cast') type = intAttribute(node, 'to', 0);
    else if (node.opType === 'Constant' || node.opType === 'ConstantOfShape') {
      const value = attribute(node, 'value');
      type =
        value?.type === 'tensor'
          ? value.value.dataType
          : node.opType === 'ConstantOfShape'
            ? DataType.FLOAT
            : undefined;
      if (attribute(node, 'value_float') || attribute(node, 'value_floats')) type = DataType.FLOAT;
      if (attribute(node, 'value_int') || attribute(node, 'value_ints')) type = DataType.INT64;
    } else if (node.opType === 'Where') type = types.get(node.inputs[1]);
    for (const [i, output] of node.outputs.entries()) {
      if (!output) continue;
      // Only the first output follows the rule; the extra outputs of the fused normalisations are float too.
      if (type !== undefined && (i === 0 || first === type)) types.set(output, type);
    }
  }
  return types;
}
