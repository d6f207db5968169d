// A small builder for ONNX graphs (operator semantics: onnx.ai/onnx/operators, opset 17): named values in, nodes
// appended in order, the layers Stable Diffusion's models are made of (convolution, linear, group/layer norm,
// multi-head attention) as one method each. Weights are initializers named as diffusers' state_dict names them,
// in diffusers' shapes, so a LoRA or a concept edit finds them by name; linear weights are transposed by a node.
import {
  DataType,
  float32Tensor,
  int64Tensor,
  type OnnxAttribute,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type ValueInfo,
} from '../../../formats/onnx';

export const OPSET = 17;

type AttributeValue = number | number[] | string;

export class GraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly constants: OnnxTensor[] = [];
  private readonly weightNames = new Set<string>();
  private counter = 0;
  private readonly halfCasts = new Map<string, string>();

  /** `weights`: the initializers (usually external data) with diffusers' names and shapes. */
  constructor(private readonly weights: Map<string, OnnxTensor>) {}

  op(type: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, outputs = 1): string[] {
    const names = Array.from({ length: outputs }, () => `${type.toLowerCase()}_${this.counter++}`);
    this.nodes.push({
      opType: type,
      name: names[0],
      inputs,
      outputs: names,
      attributes: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
      unknownFields: [],
    });
    return names;
  }

  one(type: string, inputs: string[], attributes: Record<string, AttributeValue> = {}): string {
    return this.op(type, inputs, attributes)[0];
  }

  /** Names `value` as the graph output `name`. */
  output(value: string, name: string): void {
    this.nodes.push({ opType: 'Identity', name, inputs: [value], outputs: [name], attributes: [], unknownFields: [] });
  }

  /** An initializer of the checkpoint, by its diffusers name. */
  weight(name: string): string {
    const tensor = this.weights.get(name);
    if (!tensor) throw new Error(`graph needs weight ${name}, which the import did not write`);
    this.weightNames.add(name);
    // float16 weights (an fp16 import) are stored at half the size and computed in float32.
    if (tensor.dataType === DataType.FLOAT16) {
      this.halfCasts.set(name, this.halfCasts.get(name) ?? this.one('Cast', [name], { to: DataType.FLOAT }));
      return this.halfCasts.get(name)!;
    }
    return name;
  }

  ints(values: number[]): string {
    const name = `const_${this.counter++}`;
    this.constants.push(int64Tensor(name, [values.length], values));
    return name;
  }

  floats(values: Float32Array | number[], dims: number[]): string {
    const name = `const_${this.counter++}`;
    this.constants.push(float32Tensor(name, dims, values));
    return name;
  }

  scalar(value: number): string {
    return this.floats([value], []);
  }

  silu(x: string): string {
    return this.one('Mul', [x, this.one('Sigmoid', [x])]);
  }

  conv(x: string, name: string, kernel: number, stride = 1, pads = [(kernel - 1) / 2, (kernel - 1) / 2]): string {
    const [top, left] = pads;
    const p = pads.length === 4 ? pads : [top, left, top, left];
    return this.one('Conv', [x, this.weight(`${name}.weight`), this.weight(`${name}.bias`)], {
      kernel_shape: [kernel, kernel],
      strides: [stride, stride],
      pads: p,
    });
  }

  /** x @ Wᵀ (+ b) over the last axis, as torch's nn.Linear. */
  linear(x: string, name: string, bias = true): string {
    const wt = this.one('Transpose', [this.weight(`${name}.weight`)], { perm: [1, 0] });
    const y = this.one('MatMul', [x, wt]);
    return bias ? this.one('Add', [y, this.weight(`${name}.bias`)]) : y;
  }

  /** torch's GroupNorm on NCHW: InstanceNormalization over each group, then the per-channel affine (torch's export). */
  groupNorm(x: string, name: string, groups: number, channels: number, eps: number): string {
    const grouped = this.one('Reshape', [x, this.ints([0, groups, -1])]);
    const ones = this.floats(new Float32Array(groups).fill(1), [groups]);
    const zeros = this.floats(new Float32Array(groups), [groups]);
    const normed = this.one('InstanceNormalization', [grouped, ones, zeros], { epsilon: eps });
    const back = this.one('Reshape', [normed, this.one('Shape', [x])]);
    const shape = this.ints([channels, 1, 1]);
    const gamma = this.one('Reshape', [this.weight(`${name}.weight`), shape]);
    const beta = this.one('Reshape', [this.weight(`${name}.bias`), shape]);
    return this.one('Add', [this.one('Mul', [back, gamma]), beta]);
  }

  layerNorm(x: string, name: string, eps: number): string {
    return this.one('LayerNormalization', [x, this.weight(`${name}.weight`), this.weight(`${name}.bias`)], {
      axis: -1,
      epsilon: eps,
    });
  }

  /**
   * Multi-head scaled dot-product attention of [B, N, C] queries over [B, M, C] keys/values (already projected):
   * softmax(q·kᵀ·scale)·v per head, heads folded back into C.
   */
  attention(q: string, k: string, v: string, heads: number, headDim: number, scale: number, mask?: string): string {
    const split = (t: string) =>
      this.one('Transpose', [this.one('Reshape', [t, this.ints([0, -1, heads, headDim])])], { perm: [0, 2, 1, 3] });
    const kt = this.one('Transpose', [this.one('Reshape', [k, this.ints([0, -1, heads, headDim])])], {
      perm: [0, 2, 3, 1],
    });
    const scaled = this.one('Mul', [this.one('MatMul', [split(q), kt]), this.scalar(scale)]);
    const scores = mask ? this.one('Add', [scaled, mask]) : scaled;
    const probs = this.one('Softmax', [scores], { axis: -1 });
    const out = this.one('Transpose', [this.one('MatMul', [probs, split(v)])], { perm: [0, 2, 1, 3] });
    return this.one('Reshape', [out, this.ints([0, -1, heads * headDim])]);
  }

  /** The model: only the weights the graph uses, in first-use order. */
  model(name: string, inputs: ValueInfo[], outputs: ValueInfo[]): OnnxModel {
    const initializers = [...this.weightNames].map((n) => this.weights.get(n)!);
    const graph: OnnxGraph = {
      name,
      nodes: this.nodes,
      initializers: [...initializers, ...this.constants],
      inputs,
      outputs,
      valueInfo: [],
      unknownFields: [],
    };
    return {
      irVersion: 8,
      producerName: 'diffusion-studio checkpoint import',
      graph,
      opsetImports: [{ domain: '', version: OPSET }],
      metadata: [],
      unknownFields: [],
    };
  }
}

/** A graph input/output: element type and dims (a string names a dynamic axis). */
export function valueInfo(name: string, elemType: number, dims: (number | string)[]): ValueInfo {
  return {
    name,
    type: {
      tensor: { elemType, shape: dims.map((d) => (typeof d === 'number' ? { value: d } : { param: d })) },
      unknownFields: [],
    },
    unknownFields: [],
  };
}

export const FLOAT = DataType.FLOAT;

function attribute(name: string, value: AttributeValue): OnnxAttribute {
  const base = { name, typed: true, unknownFields: [] as Uint8Array[] };
  if (typeof value === 'string') return { ...base, type: 'string', value: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { ...base, type: 'ints', value };
  return Number.isInteger(value) && !FLOAT_ATTRIBUTES.has(name)
    ? { ...base, type: 'int', value }
    : { ...base, type: 'float', value };
}

/** Attributes ONNX types as float even when the value is whole (an epsilon of 1, an alpha of 2). */
const FLOAT_ATTRIBUTES = new Set(['epsilon', 'alpha', 'beta']);
