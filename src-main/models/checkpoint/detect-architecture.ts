// Which Stable Diffusion a single-file checkpoint is, from its tensor names and shapes, as diffusers'
// infer_diffusers_model_type decides (loaders/single_file_utils.py), and the configs its shapes imply. What shapes
// cannot tell (heads, group-norm groups, 512-base vs 768-v) comes from the family's defaults or from --config.
import type { CheckpointTensor } from './checkpoint-reader';
import { refuse } from './checkpoint-errors';
import type { Family, PipelineConfig, TextEncoderConfig, UNetConfig, VaeConfig } from './architecture-config';
import { CLIP_PREFIX, OPEN_CLIP_PREFIX, UNET_PREFIX, VAE_PREFIXES } from './ldm-names';

export interface Detected {
  family: Family;
  inpainting: boolean;
  /** The prefix of the VAE's tensors (`first_stage_model.` in LDM checkpoints). */
  vaePrefix: string;
  config: PipelineConfig;
}

type Tensors = Map<string, CheckpointTensor>;

const V2_KEY = `${UNET_PREFIX}input_blocks.2.1.transformer_blocks.0.attn2.to_k.weight`;
const CONV_IN = `${UNET_PREFIX}input_blocks.0.0.weight`;

export function detectArchitecture(tensors: Tensors, file: string): Detected {
  refuseOthers(tensors, file);
  const vaePrefix = VAE_PREFIXES.find((p) => hasPrefix(tensors, p));
  const missing = [
    hasPrefix(tensors, UNET_PREFIX) ? null : `the UNet (${UNET_PREFIX}*)`,
    vaePrefix ? null : `the VAE (${VAE_PREFIXES[0]}*)`,
    hasPrefix(tensors, CLIP_PREFIX) || hasPrefix(tensors, OPEN_CLIP_PREFIX) ? null : 'the text encoder (cond_stage_model.*)',
  ].filter((m) => m !== null);
  if (missing.length)
    refuse('incomplete', `${file}: a partial checkpoint: it has no tensors of ${missing.join(', ')}`);
  const openClip = hasPrefix(tensors, OPEN_CLIP_PREFIX);
  const v2ByUnet = (tensors.get(V2_KEY)?.dims.at(-1) ?? 0) === 1024;
  const family: Family = openClip || v2ByUnet ? 'sd2' : 'sd1';
  const inpainting = tensors.get(CONV_IN)?.dims[1] === 9;
  const unet = inferUnet(tensors, family, file);
  const vae = inferVae(tensors, vaePrefix!, file);
  const textEncoder = openClip ? inferOpenClip(tensors, file) : inferClip(tensors, file);
  // diffusers maps every SD 2.x checkpoint to stable-diffusion-2-1 (768-v); a 512-base one needs --config.
  const predictionType = family === 'sd2' && !inpainting ? 'v_prediction' : 'epsilon';
  return { family, inpainting, vaePrefix: vaePrefix!, config: { family, predictionType, unet, vae, textEncoder } };
}

function refuseOthers(tensors: Tensors, file: string): void {
  const names = [...tensors.keys()];
  const any = (test: (name: string) => boolean) => names.some(test);
  if (any((n) => n.startsWith('conditioner.embedders.')))
    refuse('unsupported_architecture', `${file}: an SDXL checkpoint; the studio runs Stable Diffusion 1.x and 2.x`);
  if (tensors.has('edm_mean')) refuse('unsupported_architecture', `${file}: a Playground v2.5 checkpoint (SDXL-based)`);
  if (any((n) => n.startsWith('control_model.') || n.startsWith('controlnet_cond_embedding.')))
    refuse('unsupported_architecture', `${file}: a ControlNet, not a Stable Diffusion checkpoint`);
  if (any((n) => n.startsWith('lora_unet_') || n.startsWith('lora_te_') || n.includes('.lora_down.')))
    refuse('unsupported_architecture', `${file}: a LoRA, not a full checkpoint (add it as a LoRA instead)`);
  if (tensors.has(`${UNET_PREFIX}input_blocks.10.0.skip_connection.bias`))
    refuse('unsupported_architecture', `${file}: the x4 upscaler, not a text-to-image checkpoint`);
  if (any((n) => n.startsWith(`${UNET_PREFIX}double_blocks.`) || n.startsWith(`${UNET_PREFIX}joint_blocks.`)))
    refuse('unsupported_architecture', `${file}: a transformer (Flux/SD3) checkpoint; the studio runs SD 1.x and 2.x`);
  if (!any((n) => n.startsWith(UNET_PREFIX)) && any((n) => n.startsWith('down_blocks.') || n.startsWith('text_model.')))
    refuse('unsupported_architecture', `${file}: a single diffusers component, not an LDM single-file checkpoint`);
}

const hasPrefix = (tensors: Tensors, prefix: string) => [...tensors.keys()].some((n) => n.startsWith(prefix));

function dims(tensors: Tensors, name: string, file: string): number[] {
  return tensors.get(name)?.dims ?? refuse('incomplete', `${file}: a partial checkpoint: ${name} is missing`);
}

function inferUnet(tensors: Tensors, family: Family, file: string): UNetConfig {
  const u = (name: string) => dims(tensors, UNET_PREFIX + name, file);
  const inChannels = u('input_blocks.0.0.weight')[1];
  // Walk the input blocks: a resnet per layer, an `op` (downsampler) closing each level but the last.
  const levels: { channels: number; attention: boolean }[] = [];
  let layers = 0;
  let layersPerBlock = -1;
  for (let i = 1; ; i++) {
    const block = `input_blocks.${i}.0.`;
    if (tensors.has(`${UNET_PREFIX}${block}op.weight`)) {
      if (layersPerBlock < 0) layersPerBlock = layers;
      layers = 0;
      continue;
    }
    if (!tensors.has(`${UNET_PREFIX}${block}in_layers.2.weight`)) break;
    if (layers === 0) {
      const attention = tensors.has(`${UNET_PREFIX}input_blocks.${i}.1.norm.weight`);
      levels.push({ channels: u(`${block}in_layers.2.weight`)[0], attention });
    }
    layers++;
  }
  if (layersPerBlock < 0) layersPerBlock = layers;
  if (levels.length === 0) refuse('incomplete', `${file}: a partial checkpoint: the UNet has no input blocks`);
  const projIn = u('middle_block.1.proj_in.weight');
  const context = u('middle_block.1.transformer_blocks.0.attn2.to_k.weight')[1];
  let depth = 0;
  while (tensors.has(`${UNET_PREFIX}middle_block.1.transformer_blocks.${depth}.norm1.weight`)) depth++;
  const channels = levels.map((l) => l.channels);
  return {
    in_channels: inChannels,
    out_channels: u('out.2.weight')[0],
    block_out_channels: channels,
    down_block_types: levels.map((l) => (l.attention ? 'CrossAttnDownBlock2D' : 'DownBlock2D')),
    up_block_types: [...levels].reverse().map((l) => (l.attention ? 'CrossAttnUpBlock2D' : 'UpBlock2D')),
    layers_per_block: layersPerBlock,
    cross_attention_dim: context,
    // SD 1.x: 8 heads everywhere; SD 2.x: 64 channels per head (the stable-diffusion-2-1 config's [5, 10, 20, 20]).
    attention_head_dim: family === 'sd1' ? 8 : channels.map((c) => c / 64),
    use_linear_projection: projIn.length === 2,
    transformer_layers_per_block: depth,
    norm_num_groups: 32,
    norm_eps: 1e-5,
    upcast_attention: family === 'sd2',
    sample_size: family === 'sd2' ? 96 : 64,
  };
}

function inferVae(tensors: Tensors, prefix: string, file: string): VaeConfig {
  const v = (name: string) => dims(tensors, prefix + name, file);
  const channels: number[] = [];
  while (tensors.has(`${prefix}encoder.down.${channels.length}.block.0.conv1.weight`))
    channels.push(v(`encoder.down.${channels.length}.block.0.conv1.weight`)[0]);
  let layers = 0;
  while (tensors.has(`${prefix}encoder.down.0.block.${layers}.conv1.weight`)) layers++;
  if (channels.length === 0) refuse('incomplete', `${file}: a partial checkpoint: the VAE encoder has no blocks`);
  return {
    in_channels: v('encoder.conv_in.weight')[1],
    out_channels: v('decoder.conv_out.weight')[0],
    latent_channels: v('post_quant_conv.weight')[0],
    block_out_channels: channels,
    layers_per_block: layers,
    norm_num_groups: 32,
    scaling_factor: 0.18215,
    sample_size: 512,
  };
}

function inferClip(tensors: Tensors, file: string): TextEncoderConfig {
  // With or without the text_model level (see mapClipName).
  const level = tensors.has(`${CLIP_PREFIX}embeddings.token_embedding.weight`) ? '' : 'text_model.';
  const t = (name: string) => dims(tensors, `${CLIP_PREFIX}${level}${name}`, file);
  const [vocab, hidden] = t('embeddings.token_embedding.weight');
  let layers = 0;
  while (tensors.has(`${CLIP_PREFIX}${level}encoder.layers.${layers}.mlp.fc1.weight`)) layers++;
  return {
    hidden_size: hidden,
    intermediate_size: t('encoder.layers.0.mlp.fc1.weight')[0],
    num_hidden_layers: layers,
    num_attention_heads: hidden / 64,
    max_position_embeddings: t('embeddings.position_embedding.weight')[0],
    vocab_size: vocab,
    hidden_act: 'quick_gelu',
    layer_norm_eps: 1e-5,
  };
}

function inferOpenClip(tensors: Tensors, file: string): TextEncoderConfig {
  const t = (name: string) => dims(tensors, OPEN_CLIP_PREFIX + name, file);
  const [vocab, hidden] = t('token_embedding.weight');
  let layers = 0;
  while (tensors.has(`${OPEN_CLIP_PREFIX}transformer.resblocks.${layers}.mlp.c_fc.weight`)) layers++;
  return {
    hidden_size: hidden,
    intermediate_size: t('transformer.resblocks.0.mlp.c_fc.weight')[0],
    // The penultimate layer's output conditions SD 2.x: diffusers' text encoder config keeps one layer fewer.
    num_hidden_layers: layers - 1,
    num_attention_heads: hidden / 64,
    max_position_embeddings: t('positional_embedding')[0],
    vocab_size: vocab,
    hidden_act: 'gelu',
    layer_norm_eps: 1e-5,
  };
}
