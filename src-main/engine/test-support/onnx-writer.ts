// Test support: writes tiny ONNX models (protobuf by hand) so adapter checks run without real weights.
// Each graph maps every output to an Identity (or Cast) of one input; enough to exercise names, dtypes and shapes.

const elemTypes = { float32: 1, int32: 6, int64: 7, float16: 10 } as const;
export type ElemType = keyof typeof elemTypes;

export interface TensorDecl {
  name: string;
  type: ElemType;
  /** Numbers are fixed sizes, strings symbolic ones. */
  shape: ReadonlyArray<number | string>;
}

export interface GraphDecl {
  inputs: TensorDecl[];
  /** Each output copies the named input (cast to the output's type when they differ). */
  outputs: Array<TensorDecl & { from: string }>;
}

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

const enc = new TextEncoder();
const field = (num: number, bytes: ArrayLike<number>) => [
  ...varint((num << 3) | 2),
  ...varint(bytes.length),
  ...Array.from(bytes),
];
const intField = (num: number, value: number) => [...varint(num << 3), ...varint(value)];
const str = (num: number, text: string) => field(num, enc.encode(text));

function valueInfo(decl: TensorDecl): number[] {
  const dims = decl.shape.flatMap((d) => field(1, typeof d === 'number' ? intField(1, d) : str(2, d)));
  const tensorType = [...intField(1, elemTypes[decl.type]), ...field(2, dims)];
  return [...str(1, decl.name), ...field(2, field(1, tensorType))];
}

function node(decl: TensorDecl & { from: string }, inputs: TensorDecl[], index: number): number[] {
  const source = inputs.find((i) => i.name === decl.from);
  if (!source) throw new Error(`no input ${decl.from}`);
  const cast = source.type !== decl.type;
  const attribute = cast ? field(5, [...str(1, 'to'), ...intField(3, elemTypes[decl.type]), ...intField(20, 2)]) : [];
  return [
    ...str(1, decl.from),
    ...str(2, decl.name),
    ...str(3, `n${index}`),
    ...str(4, cast ? 'Cast' : 'Identity'),
    ...attribute,
  ];
}

export function onnxModel(graph: GraphDecl): Uint8Array {
  const body = [
    ...graph.outputs.flatMap((o, i) => field(1, node(o, graph.inputs, i))),
    ...str(2, 'test'),
    ...graph.inputs.flatMap((i) => field(11, valueInfo(i))),
    ...graph.outputs.flatMap((o) => field(12, valueInfo(o))),
  ];
  return Uint8Array.from([...intField(1, 8), ...field(7, body), ...field(8, intField(2, 17))]);
}
