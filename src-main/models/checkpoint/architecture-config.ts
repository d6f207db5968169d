// The subset of diffusers' model configs a Stable Diffusion 1.x/2.x checkpoint needs (UNet2DConditionModel,
// AutoencoderKL, transformers' CLIPTextConfig), with the field names of their config.json files.

export interface UNetConfig {
  in_channels: number;
  out_channels: number;
  block_out_channels: number[];
  down_block_types: string[];
  up_block_types: string[];
  layers_per_block: number;
  cross_attention_dim: number;
  /** diffusers' legacy name: for SD 1.x/2.x UNets this is the number of heads (one per level, or one for all). */
  attention_head_dim: number | number[];
  use_linear_projection: boolean;
  transformer_layers_per_block: number;
  norm_num_groups: number;
  norm_eps: number;
  upcast_attention: boolean;
  sample_size: number;
}

export interface VaeConfig {
  in_channels: number;
  out_channels: number;
  latent_channels: number;
  block_out_channels: number[];
  layers_per_block: number;
  norm_num_groups: number;
  scaling_factor: number;
  sample_size: number;
}

export interface TextEncoderConfig {
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  max_position_embeddings: number;
  vocab_size: number;
  hidden_act: 'quick_gelu' | 'gelu';
  layer_norm_eps: number;
}

export type Family = 'sd1' | 'sd2';

export interface PipelineConfig {
  family: Family;
  /** 'epsilon' for SD 1.x and 2.x-base, 'v_prediction' for SD 2.x 768-v. */
  predictionType: 'epsilon' | 'v_prediction';
  unet: UNetConfig;
  vae: VaeConfig;
  textEncoder: TextEncoderConfig;
}

/** Heads of each level, as UNet2DConditionModel reads `attention_head_dim` when `num_attention_heads` is unset. */
export function headsPerLevel(config: UNetConfig): number[] {
  const heads = config.attention_head_dim;
  return config.block_out_channels.map((_, i) => (Array.isArray(heads) ? heads[i] : heads));
}

/**
 * Why the config cannot describe a model (heads or groups that do not divide the widths), or null. Shapes never
 * say how many heads a layer has: a checkpoint whose widths do not fit its family's defaults needs --config.
 */
export function configProblem(config: PipelineConfig): string | null {
  const { unet, vae, textEncoder } = config;
  const heads = headsPerLevel(unet);
  for (const [i, c] of unet.block_out_channels.entries()) {
    if (!Number.isInteger(heads[i]) || heads[i] < 1 || c % heads[i] !== 0)
      return `the UNet's ${heads[i]} attention heads do not divide its ${c} channels at level ${i}`;
    if (c % unet.norm_num_groups !== 0) return `the UNet's ${c} channels do not split into ${unet.norm_num_groups} groups`;
  }
  for (const c of vae.block_out_channels)
    if (c % vae.norm_num_groups !== 0) return `the VAE's ${c} channels do not split into ${vae.norm_num_groups} groups`;
  const textHeads = textEncoder.num_attention_heads;
  if (!Number.isInteger(textHeads) || textHeads < 1 || textEncoder.hidden_size % textHeads !== 0)
    return `the text encoder's width ${textEncoder.hidden_size} does not split into ${textHeads} heads`;
  return null;
}
