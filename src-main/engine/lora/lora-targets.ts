// Which initializer holds each module's weight, and in which layout. diffusers' exports keep parameter names
// (`…attn1.to_out.0.weight`) where torch left the weight alone, but a Linear exported as MatMul gets its weight
// pre-transposed under a made-up name (`onnx::MatMul_123`); those are found through the graph: the scoped name of
// the node that reads them (torch ≥ 1.13: `/down_blocks.0/…/to_q/MatMul`), the named bias added to their product,
// or, for attention projections without a bias, their place around the softmax next to a known output projection.
import type { GraphIndex, GraphNode } from './onnx-index';

/** `out-in`: torch's [out, in] (Gemm transB=1, a Transpose before MatMul); `in-out`: a MatMul's [in, out]; `conv`. */
export type WeightLayout = 'out-in' | 'in-out' | 'conv';

export interface WeightTarget {
  initializer: string;
  layout: WeightLayout;
  /** How the module was recognised, for diagnostics. */
  via: 'name' | 'node-scope' | 'bias' | 'attention';
}

const LAYOUT_OPS = new Set(['MatMul', 'Gemm', 'Conv']);

export function findWeightTargets(graph: GraphIndex): Map<string, WeightTarget> {
  const targets = new Map<string, WeightTarget>();
  const weightNodes = new Map<string, GraphNode>(); // module → the MatMul/Gemm/Conv computing it
  const add = (module: string, node: GraphNode, initializer: string, via: WeightTarget['via']) => {
    if (targets.has(module)) return;
    const layout = layoutOf(graph, node, initializer);
    if (!layout) return;
    targets.set(module, { initializer, layout, via });
    weightNodes.set(module, node);
  };

  for (const [name, info] of graph.initializers) {
    if (info.dims.length < 2) continue;
    const reader = weightReader(graph, name);
    if (!reader) continue;
    if (name.endsWith('.weight')) add(name.slice(0, -'.weight'.length), reader, name, 'name');
  }
  for (const [name, info] of graph.initializers) {
    if (info.dims.length < 2 || name.endsWith('.weight')) continue;
    const reader = weightReader(graph, name);
    if (!reader) continue;
    const scoped = scopeModule(reader.name);
    if (scoped) add(scoped, reader, name, 'node-scope');
    const bias = biasModule(graph, reader);
    if (bias) add(bias, reader, name, 'bias');
  }
  for (const [module, node] of [...weightNodes]) {
    const projections = attentionProjections(module);
    if (!projections || node.op !== 'MatMul') continue;
    const found = traceAttention(graph, node);
    if (!found) continue;
    for (const [role, matmul] of Object.entries(found)) {
      const weight = matmul.inputs.find((i) => graph.initializers.has(i));
      if (weight) add(projections[role as keyof typeof found], matmul, weight, 'attention');
    }
  }
  return targets;
}

/** The node that uses `name` as a weight: MatMul/Gemm/Conv input 1, possibly through one Transpose. */
function weightReader(graph: GraphIndex, name: string): GraphNode | null {
  for (const node of graph.consumers.get(name) ?? []) {
    if (LAYOUT_OPS.has(node.op) && node.inputs[1] === name) return node;
    if (node.op === 'Transpose') {
      const next = (graph.consumers.get(node.outputs[0]) ?? []).find((n) => n.op === 'MatMul');
      if (next && next.inputs[1] === node.outputs[0]) return next;
    }
  }
  return null;
}

function layoutOf(graph: GraphIndex, node: GraphNode, initializer: string): WeightLayout | null {
  if (node.op === 'Conv') return 'conv';
  if (node.op === 'Gemm') return 'out-in'; // torch exports Linear as Gemm with transB=1
  if (node.inputs[1] === initializer) return graph.initializers.get(initializer)!.dims.length === 2 ? 'in-out' : null;
  return 'out-in'; // read through a Transpose
}

/** `/down_blocks.0/attentions.0/…/to_q/MatMul` → `down_blocks.0.attentions.0.….to_q`. */
function scopeModule(nodeName: string): string | null {
  const parts = nodeName.split('/').filter(Boolean);
  return nodeName.startsWith('/') && parts.length >= 2 ? parts.slice(0, -1).join('.') : null;
}

/** A MatMul whose product gets a bias named `X.bias` computes module X. */
function biasModule(graph: GraphIndex, node: GraphNode): string | null {
  if (node.op !== 'MatMul') return null;
  for (const next of graph.consumers.get(node.outputs[0]) ?? []) {
    if (next.op !== 'Add') continue;
    const bias = next.inputs.find((i) => i.endsWith('.bias') && graph.initializers.has(i));
    if (bias) return bias.slice(0, -'.bias'.length);
  }
  return null;
}

type Projections = { q: string; k: string; v: string };

/** diffusers' `attn.to_out.0` and CLIP's `self_attn.out_proj` sit after their block's q/k/v projections. */
function attentionProjections(module: string): Projections | null {
  const diffusers = module.match(/^(.*)\.to_out\.0$/);
  if (diffusers) {
    const base = diffusers[1];
    return { q: `${base}.to_q`, k: `${base}.to_k`, v: `${base}.to_v` };
  }
  const clip = module.match(/^(.*)\.out_proj$/);
  if (clip) {
    const base = clip[1];
    return { q: `${base}.q_proj`, k: `${base}.k_proj`, v: `${base}.v_proj` };
  }
  return null;
}

/** out = proj((softmax(q·kᵀ)·v)): from the output projection's MatMul back to the three that read weights. */
function traceAttention(graph: GraphIndex, outProjection: GraphNode): Record<'q' | 'k' | 'v', GraphNode> | null {
  const probsTimesV = upstream(graph, outProjection.inputs[0], isActivationMatMul(graph));
  if (!probsTimesV) return null;
  const v = upstream(graph, probsTimesV.inputs[1], isWeightMatMul(graph));
  const scores = upstream(graph, probsTimesV.inputs[0], isActivationMatMul(graph));
  if (!v || !scores) return null;
  const q = upstream(graph, scores.inputs[0], isWeightMatMul(graph));
  const k = upstream(graph, scores.inputs[1], isWeightMatMul(graph));
  return q && k ? { q, k, v } : null;
}

const isWeightMatMul = (graph: GraphIndex) => (n: GraphNode) =>
  (n.op === 'MatMul' || n.op === 'Gemm') && graph.initializers.has(n.inputs[1]);
const isActivationMatMul = (graph: GraphIndex) => (n: GraphNode) =>
  n.op === 'MatMul' && !n.inputs.some((i) => graph.initializers.has(i));

/** Ops whose only data input is the first (the rest are shapes, axes, perms). */
const SHAPE_OPS = new Set(['Reshape', 'Transpose', 'Cast', 'Softmax', 'Squeeze', 'Unsqueeze', 'Slice', 'Expand']);
const ELEMENTWISE = new Set(['Add', 'Mul', 'Div', 'Sub']);

/** The nearest node upstream of `value` that `wanted` accepts, walking data inputs only (breadth first, bounded). */
function upstream(graph: GraphIndex, value: string, wanted: (n: GraphNode) => boolean): GraphNode | null {
  let frontier = [value];
  for (let depth = 0; depth < 16 && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const v of frontier) {
      const node = graph.producers.get(v);
      if (!node) continue;
      if (wanted(node)) return node;
      if (SHAPE_OPS.has(node.op)) next.push(node.inputs[0]);
      else if (ELEMENTWISE.has(node.op))
        next.push(
          ...node.inputs.filter((i) => !graph.initializers.has(i) && graph.producers.get(i)?.op !== 'Constant'),
        );
    }
    frontier = next;
  }
  return null;
}
