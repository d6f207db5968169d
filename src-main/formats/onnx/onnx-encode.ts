// Typed ONNX messages → protobuf parts, fields in field-number order as protobuf's own serialiser writes them, so a
// decoded model re-encodes to the same bytes. Payloads are referenced, not copied, until the parts are joined.
import { concatBytes } from '../bytes';
import { ProtoWriter } from '../protobuf';
import type {
  OnnxAttribute,
  OnnxGraph,
  OnnxModel,
  OnnxNode,
  OnnxTensor,
  OnnxType,
  StringEntry,
  ValueInfo,
} from './onnx-types';
import { AttributeType } from './onnx-types';

/** The model's bytes as parts, in order (join them, or write them one after another). */
export function encodeModelParts(model: OnnxModel): Uint8Array[] {
  return modelWriter(model).parts;
}

/** The model's bytes in one array; models past 2 GiB must keep weights as external data (a protobuf limit). */
export function encodeModel(model: OnnxModel): Uint8Array {
  const writer = modelWriter(model);
  if (writer.length >= 2 ** 31) throw new Error('an ONNX model over 2 GiB must keep its weights as external data');
  return writer.toBytes();
}

function modelWriter(model: OnnxModel): ProtoWriter {
  const w = new ProtoWriter();
  if (model.irVersion !== undefined) w.int64(1, model.irVersion);
  if (model.producerName !== undefined) w.string(2, model.producerName);
  if (model.producerVersion !== undefined) w.string(3, model.producerVersion);
  if (model.domain !== undefined) w.string(4, model.domain);
  if (model.modelVersion !== undefined) w.int64(5, model.modelVersion);
  if (model.docString !== undefined) w.string(6, model.docString);
  w.message(7, graphWriter(model.graph));
  for (const opset of model.opsetImports) {
    const o = new ProtoWriter();
    if (opset.domain !== undefined) o.string(1, opset.domain);
    o.int64(2, opset.version);
    w.message(8, o);
  }
  for (const entry of model.metadata) w.message(14, entryWriter(entry));
  return unknown(w, model.unknownFields);
}

function unknown(w: ProtoWriter, fields: readonly Uint8Array[]): ProtoWriter {
  for (const field of fields) w.raw(field);
  return w;
}

function entryWriter(entry: StringEntry): ProtoWriter {
  return new ProtoWriter().string(1, entry.key).string(2, entry.value);
}

export function graphWriter(graph: OnnxGraph): ProtoWriter {
  const w = new ProtoWriter();
  for (const node of graph.nodes) w.message(1, nodeWriter(node));
  if (graph.name !== undefined) w.string(2, graph.name);
  for (const tensor of graph.initializers) w.message(5, tensorWriter(tensor));
  if (graph.docString !== undefined) w.string(10, graph.docString);
  for (const input of graph.inputs) w.message(11, valueInfoWriter(input));
  for (const output of graph.outputs) w.message(12, valueInfoWriter(output));
  for (const info of graph.valueInfo) w.message(13, valueInfoWriter(info));
  return unknown(w, graph.unknownFields);
}

function nodeWriter(node: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  if (node.name !== undefined) w.string(3, node.name);
  w.string(4, node.opType);
  for (const attribute of node.attributes) w.message(5, attributeWriter(attribute));
  if (node.docString !== undefined) w.string(6, node.docString);
  if (node.domain !== undefined) w.string(7, node.domain);
  return unknown(w, node.unknownFields);
}

const attributeCodes: Record<Exclude<OnnxAttribute['type'], 'other'>, number> = {
  float: AttributeType.FLOAT,
  int: AttributeType.INT,
  string: AttributeType.STRING,
  tensor: AttributeType.TENSOR,
  graph: AttributeType.GRAPH,
  floats: AttributeType.FLOATS,
  ints: AttributeType.INTS,
  strings: AttributeType.STRINGS,
  tensors: AttributeType.TENSORS,
  graphs: AttributeType.GRAPHS,
};

function attributeWriter(a: OnnxAttribute): ProtoWriter {
  const w = new ProtoWriter().string(1, a.name);
  switch (a.type) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int64(3, a.value);
      break;
    case 'string':
      w.bytes(4, a.value);
      break;
    case 'tensor':
      w.message(5, tensorWriter(a.value));
      break;
    case 'graph':
      w.message(6, graphWriter(a.value));
      break;
    case 'floats':
      for (const f of a.value) w.float(7, f);
      break;
    case 'ints':
      for (const i of a.value) w.int64(8, i);
      break;
    case 'strings':
      for (const s of a.value) w.bytes(9, s);
      break;
    case 'tensors':
      for (const t of a.value) w.message(10, tensorWriter(t));
      break;
    case 'graphs':
      for (const g of a.value) w.message(11, graphWriter(g));
      break;
    case 'other':
      break;
  }
  if (a.docString !== undefined) w.string(13, a.docString);
  if (a.typed) w.int64(20, a.type === 'other' ? a.code : attributeCodes[a.type]);
  if (a.refAttrName !== undefined) w.string(21, a.refAttrName);
  return unknown(w, a.unknownFields);
}

export function tensorWriter(t: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter();
  for (const dim of t.dims) w.int64(1, dim);
  w.int64(2, t.dataType);
  if (t.floatData) w.bytes(4, littleEndianBytes(t.floatData));
  if (t.int32Data) w.packedInt64s(5, t.int32Data);
  for (const s of t.stringData ?? []) w.bytes(6, s);
  if (t.int64Data) w.bytes(7, packedVarints(t.int64Data));
  if (t.name !== undefined) w.string(8, t.name);
  if (t.rawData) w.bytes(9, t.rawData);
  if (t.doubleData) w.bytes(10, littleEndianBytes(t.doubleData));
  if (t.uint64Data) w.bytes(11, packedVarints(t.uint64Data));
  if (t.docString !== undefined) w.string(12, t.docString);
  for (const entry of t.externalData ?? []) w.message(13, entryWriter(entry));
  if (t.dataLocation !== undefined) w.int64(14, t.dataLocation);
  return unknown(w, t.unknownFields);
}

function littleEndianBytes(values: Float32Array | Float64Array): Uint8Array {
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  const size = values.BYTES_PER_ELEMENT;
  values.forEach((v, i) => (size === 4 ? view.setFloat32(i * 4, v, true) : view.setFloat64(i * 8, v, true)));
  return out;
}

function packedVarints(values: BigInt64Array | BigUint64Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const value of values) {
    let unsigned = BigInt.asUintN(64, value);
    const out: number[] = [];
    while (unsigned >= 128n) {
      out.push(Number(unsigned & 0x7fn) | 0x80);
      unsigned >>= 7n;
    }
    out.push(Number(unsigned));
    parts.push(Uint8Array.from(out));
  }
  return concatBytes(parts);
}

function valueInfoWriter(info: ValueInfo): ProtoWriter {
  const w = new ProtoWriter().string(1, info.name);
  if (info.type) w.message(2, typeWriter(info.type));
  if (info.docString !== undefined) w.string(3, info.docString);
  return unknown(w, info.unknownFields);
}

function typeWriter(type: OnnxType): ProtoWriter {
  const w = new ProtoWriter();
  if (type.tensor) {
    const t = new ProtoWriter();
    if (type.tensor.elemType !== undefined) t.int64(1, type.tensor.elemType);
    if (type.tensor.shape) {
      const shape = new ProtoWriter();
      for (const dim of type.tensor.shape) {
        const d = new ProtoWriter();
        if (dim.value !== undefined) d.int64(1, dim.value);
        if (dim.param !== undefined) d.string(2, dim.param);
        if (dim.denotation !== undefined) d.string(3, dim.denotation);
        shape.message(1, d);
      }
      t.message(2, shape);
    }
    w.message(1, t);
  }
  if (type.denotation !== undefined) w.string(6, type.denotation);
  return unknown(w, type.unknownFields);
}
