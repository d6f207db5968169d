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
