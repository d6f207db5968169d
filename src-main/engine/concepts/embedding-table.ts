// Appends rows to a CLIP text encoder's token-embedding table inside the ONNX bytes (onnx.proto: ModelProto.graph
// = 7; GraphProto.node = 1, initializer = 5; NodeProto input = 1, output = 2, op_type = 4; TensorProto dims = 1,
// data_type = 2, float_data = 4, name = 8, raw_data = 9, data_location = 14), so new token ids index new vectors.
import { StudioError } from '../../shared/errors';
import { concatBytes } from '../../formats/bytes';
import { float32ToHalf } from '../../formats/float16';
import { bytesField, payload, readFields, readVarint, text, varintField, type Field } from '../../formats/protobuf';

const GRAPH = 7;
const NODE = 1;
const INITIALIZER = 5;
const FLOAT = 1;
const FLOAT16 = 10;

export class ConceptInjectionError extends StudioError {
  constructor(message: string) {
    super('invalid_input', message);
    this.name = 'ConceptInjectionError';
  }
}

export interface EmbeddingTable {
  name: string;
  rows: number;
  width: number;
  type: 'float32' | 'float16';
}

interface Located {
  graph: Field;
  initializer: Field;
  tensor: Uint8Array;
  table: EmbeddingTable;
}

/** The initializer a Gather reads with `input_ids` (directly or through one Cast) as its indices. */
function locate(model: Uint8Array): Located {
  const graph = readFields(model).find((f) => f.number === GRAPH && f.wire === 2);
  if (!graph) throw new ConceptInjectionError('the text encoder has no graph');
  const graphBytes = payload(model, graph);
  const fields = readFields(graphBytes);
  const nodes = fields.filter((f) => f.number === NODE).map((f) => node(payload(graphBytes, f)));
  const idSources = new Set(['input_ids']);
  for (const n of nodes) if (n.op === 'Cast' && idSources.has(n.inputs[0])) idSources.add(n.outputs[0]);
  const gather = nodes.find((n) => n.op === 'Gather' && idSources.has(n.inputs[1]));
  if (!gather)
    throw new ConceptInjectionError('concepts need a text encoder whose token embedding is a Gather of input_ids');
  for (const initializer of fields.filter((f) => f.number === INITIALIZER)) {
    const tensor = payload(graphBytes, initializer);
    const parts = readFields(tensor);
    const name = parts.find((f) => f.number === 8);
    if (!name || text(tensor, name) !== gather.inputs[0]) continue;
    if (parts.some((f) => f.number === 14 && f.value === 1))
      throw new ConceptInjectionError('concepts are not supported for text encoders with external weight data');
    const dims = tensorDims(tensor, parts);
    const dataType = parts.find((f) => f.number === 2)?.value ?? 0;
    if (dims.length !== 2 || (dataType !== FLOAT && dataType !== FLOAT16))
      throw new ConceptInjectionError('the token-embedding table is not a float32/float16 matrix');
    const type = dataType === FLOAT ? 'float32' : 'float16';
    return { graph, initializer, tensor, table: { name: gather.inputs[0], rows: dims[0], width: dims[1], type } };
  }
  throw new ConceptInjectionError('the token-embedding table is not an initializer of the text encoder');
}

export const readEmbeddingTable = (model: Uint8Array): EmbeddingTable => locate(model).table;

/** `rows` is count × table width, float32; the result is a new model whose table has `count` more rows. */
export function appendEmbeddingRows(model: Uint8Array, rows: Float32Array): Uint8Array {
  const { graph, initializer, tensor, table } = locate(model);
  if (rows.length % table.width !== 0) throw new ConceptInjectionError('rows do not match the table width');
  const count = rows.length / table.width;
  const parts = readFields(tensor);
  const added =
    table.type === 'float32' ? new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength) : halfBytes(rows);
  const kept = parts.filter((f) => f.number !== 1 && f.number !== 4 && f.number !== 9);
  const newTensor = concatBytes([
    varintField(1, table.rows + count),
    varintField(1, table.width),
    ...kept.map((f) => tensor.subarray(f.start, f.end)),
    bytesField(9, concatBytes([existingData(tensor, parts, table), littleEndian(added)])),
  ]);
  const graphBytes = payload(model, graph);
  const newGraph = concatBytes([
    graphBytes.subarray(0, initializer.start),
    bytesField(INITIALIZER, newTensor),
    graphBytes.subarray(initializer.end),
  ]);
  return concatBytes([model.subarray(0, graph.start), bytesField(GRAPH, newGraph), model.subarray(graph.end)]);
}

function node(bytes: Uint8Array) {
  const fields = readFields(bytes);
  const strings = (n: number) => fields.filter((f) => f.number === n).map((f) => text(bytes, f));
  return { op: strings(4)[0] ?? '', inputs: strings(1), outputs: strings(2) };
}

function tensorDims(tensor: Uint8Array, parts: Field[]): number[] {
  const dims: number[] = [];
  for (const f of parts.filter((p) => p.number === 1)) {
    if (f.wire === 0) dims.push(f.value);
    else
      for (let at = 0, data = payload(tensor, f); at < data.length;) {
        let value: number;
        [value, at] = readVarint(data, at);
        dims.push(value);
      }
  }
  return dims;
}

/** The table's current bytes: raw_data, or packed float_data (float32) turned into raw little-endian bytes. */
function existingData(tensor: Uint8Array, parts: Field[], table: EmbeddingTable): Uint8Array {
  const raw = parts.find((f) => f.number === 9);
  if (raw) return payload(tensor, raw);
  const floats = parts.find((f) => f.number === 4 && f.wire === 2);
  if (floats && table.type === 'float32') return payload(tensor, floats);
  throw new ConceptInjectionError('the token-embedding table stores its values in an unsupported field');
}

function halfBytes(rows: Float32Array): Uint8Array {
  const half = float32ToHalf(rows);
  return new Uint8Array(half.buffer, half.byteOffset, half.byteLength);
}

/** ONNX raw_data is little-endian; so is every platform Node runs on, which this checks rather than assumes. */
function littleEndian(bytes: Uint8Array): Uint8Array {
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1)
    throw new ConceptInjectionError('big-endian hosts are not supported');
  return bytes;
}
