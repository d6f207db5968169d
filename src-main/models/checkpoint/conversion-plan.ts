// Which checkpoint tensor becomes which diffusers parameter, checked against the parameters the architecture
// needs before a byte of weights is read: a partial checkpoint fails naming what is missing, a shape that does not
// fit names both shapes, and what the import leaves out (EMA copies, position ids, OpenCLIP's last layer) is listed.
import type { PipelineConfig } from './architecture-config';
import type { CheckpointTensor } from './checkpoint-reader';
import { refuse } from './checkpoint-errors';
import {
  CLIP_PREFIX,
  mapClipName,
  mapOpenClipName,
  mapUnetName,
  mapVaeName,
  OPEN_CLIP_PREFIX,
  UNET_PREFIX,
  type Component,
  type MappedTensor,
  type Transform,
} from './ldm-names';
import { textEncoderParameters, unetParameters, vaeParameters, type ParameterShapes } from './parameter-schema';

export interface ConversionPlan {
  /** Per component, in the order of its parameter schema. */
  components: Record<Component, (MappedTensor & { dims: number[] })[]>;
  /** Checkpoint tensors the pipeline does not use. */
  ignored: string[];
}

const MAX_NAMED = 8;

export function planConversion(
  tensors: Map<string, CheckpointTensor>,
  config: PipelineConfig,
  vaePrefix: string,
  file: string,
): ConversionPlan {
  const found: Record<Component, Map<string, MappedTensor>> = {
    unet: new Map(),
    vae: new Map(),
    text_encoder: new Map(),
  };
  const ignored: string[] = [];
  const layers = config.textEncoder.num_hidden_layers;
  for (const tensor of tensors.values()) {
    const mapped = tensor.dtype ? mapOne(tensor.name, config, vaePrefix, layers) : [];
    if (mapped.length === 0) ignored.push(tensor.name);
    for (const m of mapped) found[m.component].set(m.target, m);
  }
  const schemas: Record<Component, ParameterShapes> = {
    unet: unetParameters(config.unet),
    vae: vaeParameters(config.vae),
    text_encoder: textEncoderParameters(config.textEncoder),
  };
  const missing: string[] = [];
  const wrong: string[] = [];
  const components = { unet: [], vae: [], text_encoder: [] } as ConversionPlan['components'];
  for (const component of ['unet', 'vae', 'text_encoder'] as const) {
    for (const [name, expected] of schemas[component]) {
      const m = found[component].get(name);
      if (!m) {
        missing.push(`${component}: ${name}`);
        continue;
      }
      const actual = transformedDims(tensors.get(m.source)!.dims, m.transform);
      if (actual.join('×') !== expected.join('×'))
        wrong.push(`${m.source} is ${actual.join('×')}, ${component} ${name} needs ${expected.join('×')}`);
      components[component].push({ ...m, dims: expected });
      found[component].delete(name);
    }
    for (const extra of found[component].values()) ignored.push(extra.source);
  }
  if (missing.length)
    refuse(
      'incomplete',
      `${file}: a partial checkpoint or another architecture (try --config): ${missing.length} tensors missing: ` +
        `${missing.slice(0, MAX_NAMED).join(', ')}${missing.length > MAX_NAMED ? ', …' : ''}`,
    );
  if (wrong.length)
    refuse(
      'incomplete',
      `${file}: tensors do not fit the architecture (try --config): ${wrong.slice(0, MAX_NAMED).join('; ')}`,
    );
  return { components, ignored };
}

function mapOne(name: string, config: PipelineConfig, vaePrefix: string, layers: number): MappedTensor[] {
  const copy: Transform = { kind: 'copy' };
  if (name.startsWith(UNET_PREFIX)) {
    const target = mapUnetName(name.slice(UNET_PREFIX.length), config.unet.layers_per_block);
    return target ? [{ component: 'unet', target, source: name, transform: copy }] : [];
  }
  if (name.startsWith(vaePrefix)) {
    const m = mapVaeName(name.slice(vaePrefix.length), config.vae.block_out_channels.length);
    if (!m) return [];
    return [{ component: 'vae', target: m.target, source: name, transform: m.squeeze ? { kind: 'squeeze' } : copy }];
  }
  if (name.startsWith(CLIP_PREFIX)) {
    const target = mapClipName(name.slice(CLIP_PREFIX.length));
    return target ? [{ component: 'text_encoder', target, source: name, transform: copy }] : [];
  }
  if (name.startsWith(OPEN_CLIP_PREFIX)) {
    const hidden = config.textEncoder.hidden_size;
    const targets = mapOpenClipName(name.slice(OPEN_CLIP_PREFIX.length), hidden, layers) ?? [];
    return targets.map((t) => ({ component: 'text_encoder', source: name, ...t }));
  }
  return [];
}

export function transformedDims(dims: number[], transform: Transform): number[] {
  if (transform.kind === 'squeeze') {
    const out = [...dims];
    while (out.length > 2 && out[out.length - 1] === 1) out.pop();
    return out;
  }
  if (transform.kind === 'rows') return [transform.end - transform.start, ...dims.slice(1)];
  return dims;
}

/** The parameter's values from its source tensor's (row-major) values. */
export function applyTransform(values: Float32Array, dims: number[], transform: Transform): Float32Array {
  if (transform.kind !== 'rows') return values;
  const row = dims.slice(1).reduce((p, d) => p * d, 1);
  return values.slice(transform.start * row, transform.end * row);
}
