// ComfyUI: `prompt` holds the executed graph in API form ({id: {class_type, inputs}}, links as [id, slot]); when only
// the editor's `workflow` is there, it is turned into the same form. The recipe is read off the first sampler node.
import { finiteNumber, parseJsonObject, positiveInt, recipe, wholeString, type Recipe } from './recipe';
import { fromComfy } from './sampler-names';
import { workflowToGraph } from './comfyui-workflow';

export interface GraphNode {
  class_type: string;
  inputs: Record<string, unknown>;
}
export type Graph = Record<string, GraphNode>;

const samplerTypes = ['KSampler', 'KSamplerAdvanced'];
const maxDepth = 12;

export function parseComfy(chunks: Record<string, string>): Recipe | null {
  const graph = apiGraph(parseJsonObject(chunks['prompt'])) ?? workflowToGraph(parseJsonObject(chunks['workflow']));
  if (!graph) return null;
  const ids = Object.keys(graph).sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  const samplerId = ids.find((id) => samplerTypes.includes(graph[id].class_type));
  if (samplerId === undefined) return recipe('comfyui', {});
  const s = graph[samplerId].inputs;
  const latent = follow(graph, s.latent_image, 0);
  const img2img = latent !== null && /VAEEncode/.test(latent.class_type);
  const empty = latent !== null && /EmptyLatentImage|EmptySD3LatentImage/.test(latent.class_type) ? latent.inputs : {};
  const sampler = stringInput(graph, s.sampler_name);
  const denoise = numberInput(graph, s.denoise);
  return recipe('comfyui', {
    prompt: promptText(graph, s.positive, 0),
    negative: promptText(graph, s.negative, 0),
    seed: wholeString(valueInput(graph, s.seed ?? s.noise_seed, 0)),
    steps: positiveInt(numberInput(graph, s.steps)),
    guidance: numberInput(graph, s.cfg),
    scheduler: sampler ? fromComfy(sampler, stringInput(graph, s.scheduler) ?? undefined) : null,
    width: positiveInt(numberInput(graph, empty.width)),
    height: positiveInt(numberInput(graph, empty.height)),
    batchSize: positiveInt(numberInput(graph, empty.batch_size)) ?? 1,
    modelName: checkpointName(graph, s.model, 0),
    strength: img2img ? (denoise ?? 1) : null,
  });
}

function apiGraph(value: Record<string, unknown> | null): Graph | null {
  if (!value) return null;
  const nodes = Object.values(value);
  const isGraph =
    nodes.length > 0 &&
    nodes.every((n) => typeof n === 'object' && n !== null && typeof (n as GraphNode).class_type === 'string');
  return isGraph ? (value as Graph) : null;
}

function isLink(value: unknown): value is [string | number, number] {
  return Array.isArray(value) && value.length === 2 && (typeof value[0] === 'string' || typeof value[0] === 'number');
}

function follow(graph: Graph, value: unknown, depth: number): GraphNode | null {
  if (!isLink(value) || depth > maxDepth) return null;
  const node = graph[String(value[0])];
  return node && typeof node.inputs === 'object' && node.inputs !== null ? node : null;
}

/** A literal input, or the value of a primitive node it is linked to. */
function valueInput(graph: Graph, value: unknown, depth: number): unknown {
  if (!isLink(value)) return value;
  const node = follow(graph, value, depth);
  if (!node) return null;
  const inputs = node.inputs;
  const literal = ['value', 'seed', 'noise_seed', 'int', 'float', 'string', 'text'].find(
    (k) => k in inputs && !isLink(inputs[k]),
  );
  if (literal) return inputs[literal];
  const linked = Object.values(inputs).find(isLink);
  return linked ? valueInput(graph, linked, depth + 1) : null;
}

const numberInput = (graph: Graph, value: unknown) => finiteNumber(valueInput(graph, value, 0));
const stringInput = (graph: Graph, value: unknown) => {
  const v = valueInput(graph, value, 0);
  return typeof v === 'string' ? v : null;
};

/** The text behind a conditioning input: CLIPTextEncode's `text` (or SDXL's text_g/text_l), through combiners. */
function promptText(graph: Graph, value: unknown, depth: number): string {
  const node = follow(graph, value, depth);
  if (!node) return '';
  const texts: string[] = [];
  for (const key of ['text', 'text_g', 'text_l', 'prompt']) {
    if (!(key in node.inputs)) continue;
    const v = valueInput(graph, node.inputs[key], depth + 1);
    if (typeof v === 'string' && v !== '' && !texts.includes(v)) texts.push(v);
  }
  if (texts.length > 0) return texts.join('\n');
  const upstream = Object.entries(node.inputs).filter(([k, v]) => /conditioning/i.test(k) && isLink(v));
  return upstream
    .map(([, v]) => promptText(graph, v, depth + 1))
    .filter((t) => t !== '')
    .join('\n');
}

/** The checkpoint a model input comes from, through LoRA loaders and other model patches. */
function checkpointName(graph: Graph, value: unknown, depth: number): string | null {
  const node = follow(graph, value, depth);
  if (!node) return null;
  const name = node.inputs.ckpt_name ?? node.inputs.unet_name;
  if (typeof name === 'string') return name.replace(/\.(safetensors|ckpt|pt|pth|bin|gguf)$/i, '');
  return checkpointName(graph, node.inputs.model, depth + 1);
}
