// Test support: stable-diffusion-v1-5's configs (unet/, vae/, text_encoder/ config.json), for tests and benches that
// need SD 1.5's structure (at full size, or at other widths by spreading them).
import type { TextEncoderConfig, UNetConfig, VaeConfig } from '../architecture-config';

export const SD15_UNET: UNetConfig = {
  in_channels: 4,
  out_channels: 4,
  block_out_channels: [320, 640, 1280, 1280],
  down_block_types: ['CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'DownBlock2D'],
  up_block_types: ['UpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D'],
  layers_per_block: 2,
  cross_attention_dim: 768,
  attention_head_dim: 8,
  use_linear_projection: false,
  transformer_layers_per_block: 1,
  norm_num_groups: 32,
  norm_eps: 1e-5,
  upcast_attention: false,
  sample_size: 64,
};
export const SD15_VAE: VaeConfig = {
  in_channels: 3,
  out_channels: 3,
  latent_channels: 4,
  block_out_channels: [128, 256, 512, 512],
  layers_per_block: 2,
  norm_num_groups: 32,
  scaling_factor: 0.18215,
  sample_size: 512,
};
export const SD15_TEXT: TextEncoderConfig = {
  hidden_size: 768,
  intermediate_size: 3072,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  max_position_embeddings: 77,
  vocab_size: 49408,
  hidden_act: 'quick_gelu',
  layer_norm_eps: 1e-5,
};
