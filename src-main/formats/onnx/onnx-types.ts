// Typed ONNX messages (github.com/onnx/onnx/blob/main/onnx/onnx.proto). Optional fields keep proto2 presence (absent
// stays absent when re-encoded); fields this codec does not model travel on as `unknownFields`, verbatim.

/** TensorProto.DataType. */
export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;

/** AttributeProto.AttributeType. */
export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

export interface StringEntry {
  key: string;
  value: string;
}

/** Where an external tensor's bytes lie: a file relative to the model's folder. */
export interface ExternalData {
  location: string;
  offset: number;
  /** Absent: to the end of the file. */
  length?: number;
}

export interface OnnxTensor {
  name?: string;
  dataType: number;
  /** int64 dims; sizes past 2^53 do not occur in models this studio can hold. */
  dims: number[];
  docString?: string;
  /** Little-endian bytes, a view into the decoded model (never a copy). */
  rawData?: Uint8Array;
  floatData?: Float32Array;
  /** int32 and every type narrower than 32 bits (float16 and bfloat16 as bit patterns, bool, int8…). */
  int32Data?: Int32Array;
  int64Data?: BigInt64Array;
  doubleData?: Float64Array;
  /** uint32 and uint64. */
  uint64Data?: BigUint64Array;
  stringData?: Uint8Array[];
  /** TensorProto.external_data as written (location, offset, length, checksum…); see externalData(). */
  externalData?: StringEntry[];
  /** 1 = EXTERNAL. */
  dataLocation?: number;
  unknownFields: Uint8Array[];
}

export interface Dimension {
  value?: number;
  param?: string;
  denotation?: string;
}

export interface TensorType {
  elemType?: number;
  /** Absent: unknown rank; empty: a scalar. */
  shape?: Dimension[];
}

export interface OnnxType {
  tensor?: TensorType;
  denotation?: string;
  /** Sequence, map, optional and sparse types, kept verbatim. */
  unknownFields: Uint8Array[];
}

export interface ValueInfo {
  name: string;
  type?: OnnxType;
  docString?: string;
  unknownFields: Uint8Array[];
}

export type OnnxAttribute = {
  name: string;
  docString?: string;
  refAttrName?: string;
  /** Whether the message named its type (every exporter since ONNX 1.0 does). */
  typed: boolean;
  unknownFields: Uint8Array[];
} & (
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: Uint8Array }
  | { type: 'tensor'; value: OnnxTensor }
  | { type: 'graph'; value: OnnxGraph }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  | { type: 'strings'; value: Uint8Array[] }
  | { type: 'tensors'; value: OnnxTensor[] }
  | { type: 'graphs'; value: OnnxGraph[] }
  /** Sparse tensors and type protos: the value fields stay in unknownFields; `code` is AttributeType. */
  | { type: 'other'; code: number }
);

export interface OnnxNode {
  opType: string;
  /** '' or absent: the default ONNX domain. */
  domain?: string;
  name?: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
  docString?: string;
  unknownFields: Uint8Array[];
}

export interface OnnxGraph {
  name?: string;
  docString?: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  valueInfo: ValueInfo[];
  unknownFields: Uint8Array[];
}

export interface OpsetImport {
  domain?: string;
  version: number;
}

export interface OnnxModel {
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph: OnnxGraph;
  opsetImports: OpsetImport[];
  metadata: StringEntry[];
  unknownFields: Uint8Array[];
}
