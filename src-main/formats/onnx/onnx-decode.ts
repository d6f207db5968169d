// ONNX ModelProto bytes → typed messages (field numbers from onnx.proto). Tensor payloads stay views of `bytes`.
import {
  float32,
  float32s,
  int64,
  int64s,
  payload,
  readInt64,
  text,
  WIRE_BYTES,
  WIRE_FIXED32,
  WIRE_VARINT,
} from '../protobuf';
import { decodeEntry, expect, OnnxDecodeError, walk } from './onnx-decode-fields';
import { decodeTensor } from './onnx-decode-tensor';
import type {
  Dimension,
  OnnxAttribute,
  OnnxGraph,
  OnnxModel,
  OnnxNode,
  OnnxTensor,
  OnnxType,
  ValueInfo,
} from './onnx-types';

export { OnnxDecodeError } from './onnx-decode-fields';
export { decodeTensor } from './onnx-decode-tensor';

export function decodeModel(bytes: Uint8Array): OnnxModel {
  const model: OnnxModel = {
    graph: emptyGraph(),
    opsetImports: [],
    metadata: [],
    unknownFields: [],
  };
  let sawGraph = false;
  try {
    walk(bytes, model.unknownFields, (f) => {
      const s = () => (expect(f, WIRE_BYTES, 'a string field'), text(bytes, f));
      const i = () => (expect(f, WIRE_VARINT, 'an integer field'), int64(bytes, f));
      switch (f.number) {
        case 1:
          model.irVersion = i();
          break;
        case 2:
          model.producerName = s();
          break;
        case 3:
          model.producerVersion = s();
          break;
        case 4:
          model.domain = s();
          break;
        case 5:
          model.modelVersion = i();
          break;
        case 6:
          model.docString = s();
          break;
        case 7:
          expect(f, WIRE_BYTES, 'graph');
          model.graph = decodeGraph(payload(bytes, f));
          sawGraph = true;
          break;
        case 8:
          expect(f, WIRE_BYTES, 'opset_import');
          model.opsetImports.push(decodeOpset(payload(bytes, f)));
          break;
        case 14:
          expect(f, WIRE_BYTES, 'metadata_props');
          model.metadata.push(decodeEntry(payload(bytes, f)));
          break;
        default:
          return false;
      }
    });
  } catch (error) {
    if (error instanceof OnnxDecodeError) throw error;
    throw new OnnxDecodeError((error as Error).message);
  }
  if (!sawGraph) throw new OnnxDecodeError('it has no graph');
  return model;
}

const emptyGraph = (): OnnxGraph => ({
  nodes: [],
  initializers: [],
  inputs: [],
  outputs: [],
  valueInfo: [],
  unknownFields: [],
});

function decodeOpset(bytes: Uint8Array) {
  const opset: { domain?: string; version: number } = { version: 0 };
  walk(bytes, [], (f) => {
    if (f.number === 1 && f.wire === WIRE_BYTES) opset.domain = text(bytes, f);
    else if (f.number === 2 && f.wire === WIRE_VARINT) opset.version = int64(bytes, f);
    else return false;
  });
  return opset;
}

export function decodeGraph(bytes: Uint8Array): OnnxGraph {
  const graph = emptyGraph();
  walk(bytes, graph.unknownFields, (f) => {
    if (f.wire !== WIRE_BYTES) return false;
    const p = payload(bytes, f);
    switch (f.number) {
      case 1:
        graph.nodes.push(decodeNode(p));
        break;
      case 2:
        graph.name = text(bytes, f);
        break;
      case 5:
        graph.initializers.push(decodeTensor(p));
        break;
      case 10:
        graph.docString = text(bytes, f);
        break;
      case 11:
        graph.inputs.push(decodeValueInfo(p));
        break;
      case 12:
        graph.outputs.push(decodeValueInfo(p));
        break;
      case 13:
        graph.valueInfo.push(decodeValueInfo(p));
        break;
      default:
        return false;
    }
  });
  return graph;
}

function decodeNode(bytes: Uint8Array): OnnxNode {
  const node: OnnxNode = { opType: '', inputs: [], outputs: [], attributes: [], unknownFields: [] };
  walk(bytes, node.unknownFields, (f) => {
    if (f.wire !== WIRE_BYTES) return false;
    switch (f.number) {
      case 1:
        node.inputs.push(text(bytes, f));
        break;
      case 2:
        node.outputs.push(text(bytes, f));
        break;
      case 3:
        node.name = text(bytes, f);
        break;
      case 4:
        node.opType = text(bytes, f);
        break;
      case 5:
        node.attributes.push(decodeAttribute(payload(bytes, f)));
        break;
      case 6:
        node.docString = text(bytes, f);
        break;
      case 7:
        node.domain = text(bytes, f);
        break;
      default:
        return false;
    }
  });
  return node;
}

/** AttributeProto fields by value kind: f 2, i 3, s 4, t 5, g 6, floats 7, ints 8, strings 9, tensors 10, graphs 11. */
const typeNames: Record<number, OnnxAttribute['type']> = {
  1: 'float',
  2: 'int',
  3: 'string',
  4: 'tensor',
  5: 'graph',
  6: 'floats',
  7: 'ints',
  8: 'strings',
  9: 'tensors',
  10: 'graphs',
};
const typeByField: Record<number, number> = { 2: 1, 3: 2, 4: 3, 5: 4, 6: 5, 7: 6, 8: 7, 9: 8, 10: 9, 11: 10 };

function decodeAttribute(bytes: Uint8Array): OnnxAttribute {
  const unknownFields: Uint8Array[] = [];
  let name = '';
  let docString: string | undefined;
  let refAttrName: string | undefined;
  let code: number | undefined;
  let inferred = 0;
  const v = {
    f: 0,
    i: 0,
    s: new Uint8Array(0) as Uint8Array,
    t: undefined as OnnxTensor | undefined,
    g: undefined as OnnxGraph | undefined,
  };
  const floats: number[] = [];
  const ints: number[] = [];
  const strings: Uint8Array[] = [];
  const tensors: OnnxTensor[] = [];
  const graphs: OnnxGraph[] = [];
  walk(bytes, unknownFields, (f) => {
    if (typeByField[f.number] && !inferred) inferred = typeByField[f.number];
    switch (f.number) {
      case 1:
        expect(f, WIRE_BYTES, 'attribute name');
        name = text(bytes, f);
        break;
      case 2:
        expect(f, WIRE_FIXED32, 'attribute f');
        v.f = float32(bytes, f);
        break;
      case 3:
        expect(f, WIRE_VARINT, 'attribute i');
        v.i = int64(bytes, f);
        break;
      case 4:
        expect(f, WIRE_BYTES, 'attribute s');
        v.s = payload(bytes, f);
        break;
      case 5:
        expect(f, WIRE_BYTES, 'attribute t');
        v.t = decodeTensor(payload(bytes, f));
        break;
      case 6:
        expect(f, WIRE_BYTES, 'attribute g');
        v.g = decodeGraph(payload(bytes, f));
        break;
      case 7:
        float32s(bytes, f, floats);
        break;
      case 8:
        int64s(bytes, f, ints);
        break;
      case 9:
        expect(f, WIRE_BYTES, 'attribute strings');
        strings.push(payload(bytes, f));
        break;
      case 10:
        expect(f, WIRE_BYTES, 'attribute tensors');
        tensors.push(decodeTensor(payload(bytes, f)));
        break;
      case 11:
        expect(f, WIRE_BYTES, 'attribute graphs');
        graphs.push(decodeGraph(payload(bytes, f)));
        break;
      case 13:
        expect(f, WIRE_BYTES, 'attribute doc_string');
        docString = text(bytes, f);
        break;
      case 20:
        expect(f, WIRE_VARINT, 'attribute type');
        code = f.value;
        break;
      case 21:
        expect(f, WIRE_BYTES, 'attribute ref_attr_name');
        refAttrName = text(bytes, f);
        break;
      default:
        return false;
    }
  });
  const common = { name, docString, refAttrName, typed: code !== undefined, unknownFields };
  const kind = typeNames[code ?? inferred];
  if (docString === undefined) delete common.docString;
  if (refAttrName === undefined) delete common.refAttrName;
  switch (kind) {
    case 'float':
      return { ...common, type: kind, value: v.f };
    case 'int':
      return { ...common, type: kind, value: v.i };
    case 'string':
      return { ...common, type: kind, value: v.s };
    case 'tensor':
      if (!v.t) throw new OnnxDecodeError(`attribute ${name} is a tensor without one`);
      return { ...common, type: kind, value: v.t };
    case 'graph':
      if (!v.g) throw new OnnxDecodeError(`attribute ${name} is a graph without one`);
      return { ...common, type: kind, value: v.g };
    case 'floats':
      return { ...common, type: kind, value: floats };
    case 'ints':
      return { ...common, type: kind, value: ints };
    case 'strings':
      return { ...common, type: kind, value: strings };
    case 'tensors':
      return { ...common, type: kind, value: tensors };
    case 'graphs':
      return { ...common, type: kind, value: graphs };
    default:
      return { ...common, type: 'other', code: code ?? 0 };
  }
}

function decodeValueInfo(bytes: Uint8Array): ValueInfo {
  const info: ValueInfo = { name: '', unknownFields: [] };
  walk(bytes, info.unknownFields, (f) => {
    if (f.wire !== WIRE_BYTES) return false;
    if (f.number === 1) info.name = text(bytes, f);
    else if (f.number === 2) info.type = decodeType(payload(bytes, f));
    else if (f.number === 3) info.docString = text(bytes, f);
    else return false;
  });
  return info;
}

function decodeType(bytes: Uint8Array): OnnxType {
  const type: OnnxType = { unknownFields: [] };
  walk(bytes, type.unknownFields, (f) => {
    if (f.wire !== WIRE_BYTES) return false;
    if (f.number === 1) {
      const tensorBytes = payload(bytes, f);
      const tensor: { elemType?: number; shape?: Dimension[] } = {};
      walk(tensorBytes, type.unknownFields, (g) => {
        if (g.number === 1 && g.wire === WIRE_VARINT) tensor.elemType = g.value;
        else if (g.number === 2 && g.wire === WIRE_BYTES) tensor.shape = decodeShape(payload(tensorBytes, g));
        else throw new OnnxDecodeError(`tensor type field ${g.number} is not supported`);
      });
      type.tensor = tensor;
    } else if (f.number === 6) type.denotation = text(bytes, f);
    else return false;
  });
  return type;
}

function decodeShape(bytes: Uint8Array): Dimension[] {
  const dims: Dimension[] = [];
  walk(bytes, [], (f) => {
    if (f.number !== 1 || f.wire !== WIRE_BYTES) throw new OnnxDecodeError(`shape field ${f.number} is not supported`);
    const dimBytes = payload(bytes, f);
    const dim: Dimension = {};
    walk(dimBytes, [], (g) => {
      if (g.number === 1 && g.wire === WIRE_VARINT) dim.value = readInt64(dimBytes, g.payloadStart)[0];
      else if (g.number === 2 && g.wire === WIRE_BYTES) dim.param = text(dimBytes, g);
      else if (g.number === 3 && g.wire === WIRE_BYTES) dim.denotation = text(dimBytes, g);
      else throw new OnnxDecodeError(`dimension field ${g.number} is not supported`);
    });
    dims.push(dim);
  });
  return dims;
}
