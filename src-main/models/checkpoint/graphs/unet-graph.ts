// diffusers' UNet2DConditionModel (models/unets/unet_2d_condition.py with the SD 1.x/2.x blocks of
// unet_2d_blocks.py, resnet.py, transformers_2d.py, attention.py) as an ONNX graph for any such config:
// sample [B, C, H, W], timestep float32 [B], encoder_hidden_states [B, S, D] → out_sample.
import type { OnnxModel, OnnxTensor } from '../../../formats/onnx';
import { headsPerLevel, type UNetConfig } from '../architecture-config';
import { FLOAT, GraphBuilder, valueInfo } from './graph-builder';

export function buildUnetGraph(config: UNetConfig, weights: Map<string, OnnxTensor>): OnnxModel {
  const g = new GraphBuilder(weights);
  const channels = config.block_out_channels;
  const heads = headsPerLevel(config);
  const groups = config.norm_num_groups;
  const eps = config.norm_eps;

  const resnet = (x: string, name: string, input: number, out: number, temb: string): string => {
    let h = g.conv(g.silu(g.groupNorm(x, `${name}.norm1`, groups, input, eps)), `${name}.conv1`, 3);
    const t = g.linear(g.silu(temb), `${name}.time_emb_proj`);
    h = g.one('Add', [h, g.one('Unsqueeze', [t, g.ints([2, 3])])]);
    h = g.conv(g.silu(g.groupNorm(h, `${name}.norm2`, groups, out, eps)), `${name}.conv2`, 3);
    const shortcut = input !== out ? g.conv(x, `${name}.conv_shortcut`, 1) : x;
    return g.one('Add', [shortcut, h]);
  };

  const attention = (x: string, name: string, c: number, levelHeads: number, context: string | null): string => {
    const q = g.linear(x, `${name}.to_q`, false);
    const kv = context ?? x;
    const k = g.linear(kv, `${name}.to_k`, false);
    const v = g.linear(kv, `${name}.to_v`, false);
    const headDim = c / levelHeads;
    return g.linear(g.attention(q, k, v, levelHeads, headDim, 1 / Math.sqrt(headDim)), `${name}.to_out.0`);
  };

  /** Transformer2DModel: group norm, projection in, BasicTransformerBlocks, projection out, residual. */
  const transformer = (x: string, name: string, c: number, levelHeads: number, context: string): string => {
    const normed = g.groupNorm(x, `${name}.norm`, groups, c, 1e-6);
    const shape = g.one('Shape', [x]);
    const toTokens = (t: string) => g.one('Transpose', [g.one('Reshape', [t, g.ints([0, c, -1])])], { perm: [0, 2, 1] });
    let h = config.use_linear_projection
      ? g.linear(toTokens(normed), `${name}.proj_in`)
      : toTokens(g.conv(normed, `${name}.proj_in`, 1));
    for (let b = 0; b < config.transformer_layers_per_block; b++) {
      const block = `${name}.transformer_blocks.${b}`;
      h = g.one('Add', [attention(g.layerNorm(h, `${block}.norm1`, 1e-5), `${block}.attn1`, c, levelHeads, null), h]);
      h = g.one('Add', [attention(g.layerNorm(h, `${block}.norm2`, 1e-5), `${block}.attn2`, c, levelHeads, context), h]);
      h = g.one('Add', [feedForward(g.layerNorm(h, `${block}.norm3`, 1e-5), `${block}.ff`, c), h]);
    }
    const toImage = (t: string) => g.one('Reshape', [g.one('Transpose', [t], { perm: [0, 2, 1] }), shape]);
    const out = config.use_linear_projection
      ? toImage(g.linear(h, `${name}.proj_out`))
      : g.conv(toImage(h), `${name}.proj_out`, 1);
    return g.one('Add', [out, x]);
  };

  /** GEGLU: the projection's first half gated by GELU (erf) of its second half, then the output linear. */
  const feedForward = (x: string, name: string, c: number): string => {
    const projected = g.linear(x, `${name}.net.0.proj`);
    const [hidden, gate] = g.op('Split', [projected, g.ints([c * 4, c * 4])], { axis: -1 }, 2);
    return g.linear(g.one('Mul', [hidden, gelu(g, gate)]), `${name}.net.2`);
  };

  // Timestep embedding: sinusoids (flip_sin_to_cos, freq_shift 0) → linear → SiLU → linear.
  const half = channels[0] / 2;
  const frequencies = Float32Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / half));
  const t = g.one('Unsqueeze', [g.one('Cast', ['timestep'], { to: FLOAT }), g.ints([1])]);
  const angles = g.one('Mul', [t, g.floats(frequencies, [1, half])]);
  const sinusoids = g.one('Concat', [g.one('Cos', [angles]), g.one('Sin', [angles])], { axis: 1 });
  const temb = g.linear(g.silu(g.linear(sinusoids, 'time_embedding.linear_1')), 'time_embedding.linear_2');

  let h = g.conv('sample', 'conv_in', 3);
  const skips: { value: string; channels: number }[] = [{ value: h, channels: channels[0] }];
  let input = channels[0];
  channels.forEach((out, i) => {
    const withAttention = config.down_block_types[i].startsWith('CrossAttn');
    for (let j = 0; j < config.layers_per_block; j++) {
      h = resnet(h, `down_blocks.${i}.resnets.${j}`, j === 0 ? input : out, out, temb);
      if (withAttention)
        h = transformer(h, `down_blocks.${i}.attentions.${j}`, out, heads[i], 'encoder_hidden_states');
      skips.push({ value: h, channels: out });
    }
    if (i < channels.length - 1) {
      h = g.conv(h, `down_blocks.${i}.downsamplers.0.conv`, 3, 2);
      skips.push({ value: h, channels: out });
    }
    input = out;
  });

  const last = channels[channels.length - 1];
  h = resnet(h, 'mid_block.resnets.0', last, last, temb);
  h = transformer(h, 'mid_block.attentions.0', last, heads[heads.length - 1], 'encoder_hidden_states');
  h = resnet(h, 'mid_block.resnets.1', last, last, temb);

  const reversed = [...channels].reverse();
  const reversedHeads = [...heads].reverse();
  let previous = reversed[0];
  reversed.forEach((out, i) => {
    const withAttention = config.up_block_types[i].startsWith('CrossAttn');
    for (let j = 0; j <= config.layers_per_block; j++) {
      const skip = skips.pop()!;
      const inChannels = (j === 0 ? previous : out) + skip.channels;
      h = g.one('Concat', [h, skip.value], { axis: 1 });
      h = resnet(h, `up_blocks.${i}.resnets.${j}`, inChannels, out, temb);
      if (withAttention)
        h = transformer(h, `up_blocks.${i}.attentions.${j}`, out, reversedHeads[i], 'encoder_hidden_states');
    }
    if (i < reversed.length - 1) h = g.conv(upsample(g, h), `up_blocks.${i}.upsamplers.0.conv`, 3);
    previous = out;
  });

  h = g.conv(g.silu(g.groupNorm(h, 'conv_norm_out', groups, channels[0], eps)), 'conv_out', 3);
  g.output(h, 'out_sample');
  return g.model(
    'unet',
    [
      valueInfo('sample', FLOAT, ['batch', config.in_channels, 'height', 'width']),
      valueInfo('timestep', FLOAT, ['batch']),
      valueInfo('encoder_hidden_states', FLOAT, ['batch', 'sequence', config.cross_attention_dim]),
    ],
    [valueInfo('out_sample', FLOAT, ['batch', config.out_channels, 'height', 'width'])],
  );
}

/** Nearest-neighbour ×2, as torch's F.interpolate(scale_factor=2, mode="nearest"). */
export function upsample(g: GraphBuilder, x: string): string {
  return g.one('Resize', [x, '', g.floats([1, 1, 2, 2], [4])], {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
}

/** GELU with erf, as torch's default. */
export function gelu(g: GraphBuilder, x: string): string {
  const erf = g.one('Erf', [g.one('Mul', [x, g.scalar(Math.SQRT1_2)])]);
  return g.one('Mul', [g.one('Mul', [x, g.one('Add', [erf, g.scalar(1)])]), g.scalar(0.5)]);
}
