// ComfyUI's editor `workflow` → the API graph form: widget values are positional in the editor format, so the
// nodes a recipe is read from name their widgets here; links become [source id, slot] inputs.
import type { Graph } from './comfyui';

const widgetNames: Record<string, string[]> = {
  KSampler: ['seed', 'control_after_generate', 'steps', 'cfg', 'sampler_name', 'scheduler', 'denoise'],
  KSamplerAdvanced: ['add_noise', 'noise_seed', 'control_after_generate', 'steps', 'cfg', 'sampler_name', 'scheduler'],
  CLIPTextEncode: ['text'],
  CLIPTextEncodeSDXL: ['width', 'height', 'crop_w', 'crop_h', 'target_width', 'target_height', 'text_g', 'text_l'],
  CheckpointLoaderSimple: ['ckpt_name'],
  UNETLoader: ['unet_name'],
  EmptyLatentImage: ['width', 'height', 'batch_size'],
  EmptySD3LatentImage: ['width', 'height', 'batch_size'],
  LoraLoader: ['lora_name', 'strength_model', 'strength_clip'],
  PrimitiveNode: ['value'],
};

interface WorkflowNode {
  id: number | string;
  type: string;
  inputs?: { name: string; link: number | null }[];
  widgets_values?: unknown[] | Record<string, unknown>;
}

export function workflowToGraph(workflow: Record<string, unknown> | null): Graph | null {
  if (!workflow || !Array.isArray(workflow.nodes)) return null;
  const links = new Map<number, [string, number]>();
  for (const link of Array.isArray(workflow.links) ? workflow.links : []) {
    if (Array.isArray(link) && link.length >= 3) links.set(Number(link[0]), [String(link[1]), Number(link[2])]);
  }
  const graph: Graph = {};
  for (const raw of workflow.nodes as unknown[]) {
    if (typeof raw !== 'object' || raw === null) continue;
    const node = raw as WorkflowNode;
    if (typeof node.type !== 'string') continue;
    const inputs: Record<string, unknown> = {};
    const values = node.widgets_values;
    if (Array.isArray(values)) {
      (widgetNames[node.type] ?? []).forEach((name, i) => {
        if (i < values.length) inputs[name] = values[i];
      });
    } else if (values && typeof values === 'object') {
      Object.assign(inputs, values);
    }
    for (const input of Array.isArray(node.inputs) ? node.inputs : []) {
      const link = input.link === null ? undefined : links.get(Number(input.link));
      if (link && typeof input.name === 'string') inputs[input.name] = link;
    }
    graph[String(node.id)] = { class_type: node.type, inputs };
  }
  return Object.keys(graph).length > 0 ? graph : null;
}
