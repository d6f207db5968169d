// `--config`: what a checkpoint's shapes cannot say, from a diffusers config folder (unet/, vae/ or vae_decoder/,
// text_encoder/, scheduler/ config.json files — any diffusers or diffusers-ONNX model folder) or from the LDM
// .yaml the checkpoint was trained with, read as diffusers' create_unet_diffusers_config_from_ldm and
// create_vae_diffusers_config_from_ldm read it.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { PipelineConfig } from './architecture-config';
import { refuse } from './checkpoint-errors';
import { parseYaml, type YamlValue } from './yaml-subset';

type Json = Record<string, unknown>;

export async function applyConfig(inferred: PipelineConfig, configPath: string): Promise<PipelineConfig> {
  if (!existsSync(configPath)) return refuse('bad_config', `--config ${configPath}: no such file or folder`);
  return statSync(configPath).isDirectory()
    ? fromDiffusersFolder(inferred, configPath)
    : fromLdmYaml(inferred, configPath);
}

async function readJson(file: string): Promise<Json | null> {
  if (!existsSync(file)) return null;
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  } catch {
    // reported below
  }
  return refuse('bad_config', `--config: ${file} is not a JSON object`);
}

/** Only the fields the import knows are taken, each checked to be of the field's type. */
function pick<T extends object>(base: T, json: Json | null, file: string): T {
  if (!json) return base;
  const out = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(base)) {
    if (!(key in json) || json[key] === null) continue;
    const given = json[key];
    const ok = Array.isArray(value)
      ? Array.isArray(given)
      : typeof value === typeof given || (key === 'attention_head_dim' && Array.isArray(given));
    if (!ok) refuse('bad_config', `--config: ${file}: ${key} is ${JSON.stringify(given)}, expected a ${typeof value}`);
    out[key] = given;
  }
  return out as T;
}

async function fromDiffusersFolder(inferred: PipelineConfig, folder: string): Promise<PipelineConfig> {
  const file = (...parts: string[]) => path.join(folder, ...parts);
  const unetFile = file('unet', 'config.json');
  const vaeFile = ['vae', 'vae_decoder', 'vae_encoder'].map((d) => file(d, 'config.json')).find(existsSync);
  const textFile = file('text_encoder', 'config.json');
  const schedulerFile = file('scheduler', 'scheduler_config.json');
  if (!existsSync(unetFile) && !vaeFile && !existsSync(textFile))
    refuse('bad_config', `--config ${folder}: no unet/, vae/ or text_encoder/ config.json in it`);
  const scheduler = await readJson(schedulerFile);
  const prediction = scheduler?.prediction_type;
  return {
    ...inferred,
    predictionType: prediction === 'v_prediction' || prediction === 'epsilon' ? prediction : inferred.predictionType,
    unet: pick(inferred.unet, await readJson(unetFile), unetFile),
    vae: vaeFile ? pick(inferred.vae, await readJson(vaeFile), vaeFile) : inferred.vae,
    textEncoder: pick(inferred.textEncoder, await readJson(textFile), textFile),
  };
}

async function fromLdmYaml(inferred: PipelineConfig, file: string): Promise<PipelineConfig> {
  let root: YamlValue;
  try {
    root = parseYaml(await readFile(file, 'utf8'));
  } catch (error) {
    return refuse('bad_config', `--config ${file}: ${(error as Error).message}`);
  }
  const at = (value: YamlValue | undefined, ...keys: string[]): YamlValue | undefined => {
    let v = value;
    for (const k of keys) v = v && typeof v === 'object' && !Array.isArray(v) ? v[k] : undefined;
    return v;
  };
  const model = at(root, 'model', 'params');
  const unet = at(model, 'unet_config', 'params');
  const vae = at(model, 'first_stage_config', 'params', 'ddconfig');
  if (!unet || !vae) return refuse('bad_config', `--config ${file}: not an LDM config (no model.params.unet_config)`);
  const num = (v: YamlValue | undefined, what: string): number =>
    typeof v === 'number' ? v : refuse('bad_config', `--config ${file}: ${what} is not a number`);
  const nums = (v: YamlValue | undefined, what: string): number[] =>
    Array.isArray(v) && v.every((x) => typeof x === 'number')
      ? (v as number[])
      : refuse('bad_config', `--config ${file}: ${what} is not a list of numbers`);

  const base = num(at(unet, 'model_channels'), 'model_channels');
  const mult = nums(at(unet, 'channel_mult'), 'channel_mult');
  const channels = mult.map((m) => base * m);
  const resolutions = nums(at(unet, 'attention_resolutions'), 'attention_resolutions');
  // Attention at the levels whose downsampling factor is listed (1, 2, 4 …).
  const attention = channels.map((_, i) => resolutions.includes(2 ** i));
  const linear = at(unet, 'use_linear_in_transformer') === true;
  const numHeads = at(unet, 'num_heads');
  const headChannels = at(unet, 'num_head_channels');
  const heads =
    typeof numHeads === 'number' && numHeads > 0
      ? numHeads
      : typeof headChannels === 'number'
        ? channels.map((c) => c / headChannels)
        : 8;
  const context = at(unet, 'context_dim');
  const depth = at(unet, 'transformer_depth');
  const vaeChannels = nums(at(vae, 'ch_mult'), 'ddconfig.ch_mult').map((m) => num(at(vae, 'ch'), 'ddconfig.ch') * m);
  const scale = at(model, 'scale_factor');
  return {
    ...inferred,
    predictionType: at(model, 'parameterization') === 'v' ? 'v_prediction' : 'epsilon',
    unet: {
      ...inferred.unet,
      in_channels: num(at(unet, 'in_channels'), 'in_channels'),
      out_channels: num(at(unet, 'out_channels'), 'out_channels'),
      block_out_channels: channels,
      down_block_types: attention.map((a) => (a ? 'CrossAttnDownBlock2D' : 'DownBlock2D')),
      up_block_types: [...attention].reverse().map((a) => (a ? 'CrossAttnUpBlock2D' : 'UpBlock2D')),
      layers_per_block: num(at(unet, 'num_res_blocks'), 'num_res_blocks'),
      cross_attention_dim: Array.isArray(context) ? num(context[0], 'context_dim') : num(context, 'context_dim'),
      attention_head_dim: heads,
      use_linear_projection: linear,
      transformer_layers_per_block: typeof depth === 'number' ? depth : 1,
    },
    vae: {
      ...inferred.vae,
      in_channels: num(at(vae, 'in_channels'), 'ddconfig.in_channels'),
      out_channels: num(at(vae, 'out_ch'), 'ddconfig.out_ch'),
      latent_channels: num(at(vae, 'z_channels'), 'ddconfig.z_channels'),
      block_out_channels: vaeChannels,
      layers_per_block: num(at(vae, 'num_res_blocks'), 'ddconfig.num_res_blocks'),
      scaling_factor: typeof scale === 'number' ? scale : inferred.vae.scaling_factor,
    },
  };
}
