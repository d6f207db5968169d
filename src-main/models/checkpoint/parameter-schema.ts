// Every parameter (name → shape) of diffusers' UNet2DConditionModel, AutoencoderKL and transformers' CLIPTextModel
// for a config, in their state_dict names: what an imported checkpoint must provide, and what graphs consume.
// Follows unet_2d_condition.py / unet_2d_blocks.py / resnet.py / attention.py / vae.py for SD 1.x/2.x configs.
import type { TextEncoderConfig, UNetConfig, VaeConfig } from './architecture-config';

export type ParameterShapes = Map<string, number[]>;

class Shapes {
  readonly map: ParameterShapes = new Map();
  add(name: string, weight: number[], bias = true): void {
    this.map.set(`${name}.weight`, weight);
    if (bias) this.map.set(`${name}.bias`, [weight[0]]);
  }
  norm(name: string, channels: number): void {
    this.map.set(`${name}.weight`, [channels]);
    this.map.set(`${name}.bias`, [channels]);
  }
  conv(name: string, out: number, input: number, kernel: number): void {
    this.add(name, [out, input, kernel, kernel]);
  }
  /** resnet.py ResnetBlock2D; `timeChannels` null for the VAE's blocks (temb_channels=None). */
  resnet(name: string, input: number, out: number, timeChannels: number | null): void {
    this.norm(`${name}.norm1`, input);
    this.conv(`${name}.conv1`, out, input, 3);
    if (timeChannels !== null) this.add(`${name}.time_emb_proj`, [out, timeChannels]);
    this.norm(`${name}.norm2`, out);
    this.conv(`${name}.conv2`, out, out, 3);
    if (input !== out) this.conv(`${name}.conv_shortcut`, out, input, 1);
  }
  /** Transformer2DModel with BasicTransformerBlocks (self-attention, cross-attention, GEGLU feed-forward). */
  transformer(name: string, c: number, context: number, depth: number, linear: boolean): void {
    this.norm(`${name}.norm`, c);
    const projection = (p: string) => (linear ? this.add(p, [c, c]) : this.conv(p, c, c, 1));
    projection(`${name}.proj_in`);
    for (let b = 0; b < depth; b++) {
      const block = `${name}.transformer_blocks.${b}`;
      for (const [attn, kv] of [
        ['attn1', c],
        ['attn2', context],
      ] as const) {
        this.add(`${block}.${attn}.to_q`, [c, c], false);
        this.add(`${block}.${attn}.to_k`, [c, kv], false);
        this.add(`${block}.${attn}.to_v`, [c, kv], false);
        this.add(`${block}.${attn}.to_out.0`, [c, c]);
      }
      for (const n of ['norm1', 'norm2', 'norm3']) this.norm(`${block}.${n}`, c);
      this.add(`${block}.ff.net.0.proj`, [c * 8, c]);
      this.add(`${block}.ff.net.2`, [c, c * 4]);
    }
    projection(`${name}.proj_out`);
  }
  /** The VAE's single-head attention (attention_processor.py Attention with group_norm, linear q/k/v/out). */
  vaeAttention(name: string, c: number): void {
    this.norm(`${name}.group_norm`, c);
    for (const p of ['to_q', 'to_k', 'to_v', 'to_out.0']) this.add(`${name}.${p}`, [c, c]);
  }
}

export function unetParameters(config: UNetConfig): ParameterShapes {
  const s = new Shapes();
  const channels = config.block_out_channels;
  const time = channels[0] * 4;
  const context = config.cross_attention_dim;
  const depth = config.transformer_layers_per_block;
  const linear = config.use_linear_projection;
  s.conv('conv_in', channels[0], config.in_channels, 3);
  s.add('time_embedding.linear_1', [time, channels[0]]);
  s.add('time_embedding.linear_2', [time, time]);
  let output = channels[0];
  channels.forEach((out, i) => {
    const attention = config.down_block_types[i].startsWith('CrossAttn');
    for (let j = 0; j < config.layers_per_block; j++) {
      s.resnet(`down_blocks.${i}.resnets.${j}`, j === 0 ? output : out, out, time);
      if (attention) s.transformer(`down_blocks.${i}.attentions.${j}`, out, context, depth, linear);
    }
    if (i < channels.length - 1) s.conv(`down_blocks.${i}.downsamplers.0.conv`, out, out, 3);
    output = out;
  });
  const last = channels[channels.length - 1];
  s.resnet('mid_block.resnets.0', last, last, time);
  s.transformer('mid_block.attentions.0', last, context, depth, linear);
  s.resnet('mid_block.resnets.1', last, last, time);
  const reversed = [...channels].reverse();
  let previous = reversed[0];
  reversed.forEach((out, i) => {
    const attention = config.up_block_types[i].startsWith('CrossAttn');
    const skipFromBelow = reversed[Math.min(i + 1, reversed.length - 1)];
    for (let j = 0; j <= config.layers_per_block; j++) {
      const skip = j === config.layers_per_block ? skipFromBelow : out;
      const input = j === 0 ? previous : out;
      s.resnet(`up_blocks.${i}.resnets.${j}`, input + skip, out, time);
      if (attention) s.transformer(`up_blocks.${i}.attentions.${j}`, out, context, depth, linear);
    }
    if (i < reversed.length - 1) s.conv(`up_blocks.${i}.upsamplers.0.conv`, out, out, 3);
    previous = out;
  });
  s.norm('conv_norm_out', channels[0]);
  s.conv('conv_out', config.out_channels, channels[0], 3);
  return s.map;
}

export function vaeParameters(config: VaeConfig): ParameterShapes {
  const s = new Shapes();
  const channels = config.block_out_channels;
  const last = channels[channels.length - 1];
  const latent = config.latent_channels;
  const mid = (name: string) => {
    s.resnet(`${name}.mid_block.resnets.0`, last, last, null);
    s.vaeAttention(`${name}.mid_block.attentions.0`, last);
    s.resnet(`${name}.mid_block.resnets.1`, last, last, null);
  };
  s.conv('encoder.conv_in', channels[0], config.in_channels, 3);
  let output = channels[0];
  channels.forEach((out, i) => {
    for (let j = 0; j < config.layers_per_block; j++)
      s.resnet(`encoder.down_blocks.${i}.resnets.${j}`, j === 0 ? output : out, out, null);
    if (i < channels.length - 1) s.conv(`encoder.down_blocks.${i}.downsamplers.0.conv`, out, out, 3);
    output = out;
  });
  mid('encoder');
  s.norm('encoder.conv_norm_out', last);
  s.conv('encoder.conv_out', 2 * latent, last, 3);
  s.conv('quant_conv', 2 * latent, 2 * latent, 1);
  s.conv('post_quant_conv', latent, latent, 1);
  s.conv('decoder.conv_in', last, latent, 3);
  mid('decoder');
  const reversed = [...channels].reverse();
  let previous = reversed[0];
  reversed.forEach((out, i) => {
    for (let j = 0; j <= config.layers_per_block; j++)
      s.resnet(`decoder.up_blocks.${i}.resnets.${j}`, j === 0 ? previous : out, out, null);
    if (i < reversed.length - 1) s.conv(`decoder.up_blocks.${i}.upsamplers.0.conv`, out, out, 3);
    previous = out;
  });
  s.norm('decoder.conv_norm_out', channels[0]);
  s.conv('decoder.conv_out', config.out_channels, channels[0], 3);
  return s.map;
}

export function textEncoderParameters(config: TextEncoderConfig): ParameterShapes {
  const s = new Shapes();
  const d = config.hidden_size;
  s.map.set('text_model.embeddings.token_embedding.weight', [config.vocab_size, d]);
  s.map.set('text_model.embeddings.position_embedding.weight', [config.max_position_embeddings, d]);
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const layer = `text_model.encoder.layers.${i}`;
    for (const p of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) s.add(`${layer}.self_attn.${p}`, [d, d]);
    s.norm(`${layer}.layer_norm1`, d);
    s.add(`${layer}.mlp.fc1`, [config.intermediate_size, d]);
    s.add(`${layer}.mlp.fc2`, [d, config.intermediate_size]);
    s.norm(`${layer}.layer_norm2`, d);
  }
  s.norm('text_model.final_layer_norm', d);
  return s.map;
}
