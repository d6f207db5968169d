// The passes over one decoded model, in the order they depend on each other: fusions on the exported graph (their
// patterns read its shape arithmetic), then dead-node removal; fixing dimensions and fp16 conversion come after.
import type { OnnxModel } from '../../formats/onnx';
import { fuseAttention } from './fuse-attention';
import { fuseGelu } from './fuse-gelu';
import { fuseLayerNorm } from './fuse-layer-norm';
import { GraphEditor, MS_DOMAIN } from './graph-editor';

export type FusionCounts = Record<string, number>;

/** Applies every fusion to `model` in place; returns the count of each fused node kind (zero counts omitted). */
export function fuseModel(model: OnnxModel): FusionCounts {
  const editor = new GraphEditor(model.graph);
  const counts: FusionCounts = {
    MultiHeadAttention: fuseAttention(editor),
    ...fuseLayerNorm(editor),
    ...fuseGelu(editor),
  };
  editor.prune();
  const used = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
  if (model.graph.nodes.some((n) => n.domain === MS_DOMAIN)) ensureOpset(model, MS_DOMAIN, 1);
  return used;
}

export function ensureOpset(model: OnnxModel, domain: string, version: number): void {
  const found = model.opsetImports.find((o) => (o.domain ?? '') === domain);
  if (!found) model.opsetImports.push({ domain, version });
  else if (found.version < version) found.version = version;
}
