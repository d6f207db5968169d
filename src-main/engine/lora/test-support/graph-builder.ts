// Test support: small ONNX graphs with real ops and weights (protobuf by hand), for merge tests that ORT can run.
import { float32ToHalf } from '../../../formats/float16';

export interface NodeDecl {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  /** Integer attributes (e.g. Gemm transB, Softmax axis) and int-list attributes (Transpose perm). */
  ints?: Record<string, number | number[]>;
}

export interface InitializerDecl {
  name: string;
  dims: number[];
  values: ArrayLike<number>;
  type?: 'float32' | 'float16';
}

export interface ModelDecl {
  inputs: { name: string; shape: number[] }[];
  outputs: { name: string; shape: number[] }[];
  nodes: NodeDecl[];
  initializers: InitializerDecl[];
}

const enc = new TextEncoder();
/** Protobuf varint; negative int64 values as their 64-bit two's complement (ten bytes). */
function varint(value: number): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, BigInt(value));
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const field = (num: number, bytes: ArrayLike<number>) => [
  ...varint((num << 3) | 2),
  ...varint(bytes.length),
  ...Array.from(bytes),
];
const intField = (num: number, value: number) => [...varint(num << 3), ...varint(value)];
const str = (num: number, text: string) => field(num, enc.encode(text));

function valueInfo(name: string, shape: number[]): number[] {
  const dims = shape.flatMap((d) => field(1, intField(1, d)));
  return [...str(1, name), ...field(2, field(1, [...intField(1, 1), ...field(2, dims)]))];
}

function attribute(name: string, value: number | number[]): number[] {
  // AttributeProto: name 1, i 3, ints 8, type 20 (INT 2, INTS 7).
  if (Array.isArray(value))
    return field(5, [...str(1, name), ...value.flatMap((v) => intField(8, v)), ...intField(20, 7)]);
  return field(5, [...str(1, name), ...intField(3, value), ...intField(20, 2)]);
}

function tensor(decl: InitializerDecl): number[] {
  const half = decl.type === 'float16';
  const raw = half
    ? new Uint8Array(float32ToHalf(Float32Array.from(decl.values)).buffer)
    : new Uint8Array(Float32Array.from(decl.values).buffer);
  return [
    ...decl.dims.flatMap((d) => intField(1, d)),
    ...intField(2, half ? 10 : 1),
    ...str(8, decl.name),
    ...field(9, raw),
  ];
}

export function buildModel(decl: ModelDecl): Uint8Array {
  const nodes = decl.nodes.flatMap((n, i) =>
    field(1, [
      ...n.inputs.flatMap((x) => str(1, x)),
      ...n.outputs.flatMap((x) => str(2, x)),
      ...str(3, n.name ?? `${n.op}_${i}`),
      ...str(4, n.op),
      ...Object.entries(n.ints ?? {}).flatMap(([k, v]) => attribute(k, v)),
    ]),
  );
  const graph = [
    ...nodes,
    ...str(2, 'g'),
    ...decl.initializers.flatMap((t) => field(5, tensor(t))),
    ...decl.inputs.flatMap((i) => field(11, valueInfo(i.name, i.shape))),
    ...decl.outputs.flatMap((o) => field(12, valueInfo(o.name, o.shape))),
  ];
  // ir_version 8, opset 14.
  return Uint8Array.from([...intField(1, 8), ...field(8, [...str(1, ''), ...intField(2, 14)]), ...field(7, graph)]);
}
