// diffusers' AutoencoderKL (models/autoencoders/autoencoder_kl.py, vae.py Encoder/Decoder, UNetMidBlock2D with its
// single-head attention) as the two ONNX graphs of diffusers' ONNX layout: vae_encoder (sample → the posterior's
// mean ‖ log-variance, `latent_parameters`, so the engine draws the sample as diffusers does) and vae_decoder
// (latent_sample → sample). The pipeline applies the scaling factor; the graphs do not.
import type { OnnxModel, OnnxTensor } from '../../../formats/onnx';
import type { VaeConfig } from '../architecture-config';
import { FLOAT, GraphBuilder, valueInfo } from './graph-builder';
import { upsample } from './unet-graph';

const EPS = 1e-6;

export function buildVaeEncoderGraph(config: VaeConfig, weights: Map<string, OnnxTensor>): OnnxModel {
  const g = new GraphBuilder(weights);
  const v = blocks(g, config);
  const channels = config.block_out_channels;
  let h = g.conv('sample', 'encoder.conv_in', 3);
  let input = channels[0];
  channels.forEach((out, i) => {
    for (let j = 0; j < config.layers_per_block; j++)
      h = v.resnet(h, `encoder.down_blocks.${i}.resnets.${j}`, j === 0 ? input : out, out);
    // Downsample2D with padding=0 pads right and bottom by one before its stride-2 convolution.
    if (i < channels.length - 1) h = g.conv(h, `encoder.down_blocks.${i}.downsamplers.0.conv`, 3, 2, [0, 0, 1, 1]);
    input = out;
  });
  const last = channels[channels.length - 1];
  h = v.mid(h, 'encoder.mid_block', last);
  h = g.conv(g.silu(g.groupNorm(h, 'encoder.conv_norm_out', config.norm_num_groups, last, EPS)), 'encoder.conv_out', 3);
  g.output(g.conv(h, 'quant_conv', 1), 'latent_parameters');
  return g.model(
    'vae_encoder',
    [valueInfo('sample', FLOAT, ['batch', config.in_channels, 'height', 'width'])],
    [valueInfo('latent_parameters', FLOAT, ['batch', 2 * config.latent_channels, 'height_latent', 'width_latent'])],
  );
}

export function buildVaeDecoderGraph(config: VaeConfig, weights: Map<string, OnnxTensor>): OnnxModel {
  const g = new GraphBuilder(weights);
  const v = blocks(g, config);
  const reversed = [...config.block_out_channels].reverse();
  let h = g.conv(g.conv('latent_sample', 'post_quant_conv', 1), 'decoder.conv_in', 3);
  h = v.mid(h, 'decoder.mid_block', reversed[0]);
  let previous = reversed[0];
  reversed.forEach((out, i) => {
    for (let j = 0; j <= config.layers_per_block; j++)
      h = v.resnet(h, `decoder.up_blocks.${i}.resnets.${j}`, j === 0 ? previous : out, out);
    if (i < reversed.length - 1) h = g.conv(upsample(g, h), `decoder.up_blocks.${i}.upsamplers.0.conv`, 3);
    previous = out;
  });
  const first = config.block_out_channels[0];
  h = g.silu(g.groupNorm(h, 'decoder.conv_norm_out', config.norm_num_groups, first, EPS));
  g.output(g.conv(h, 'decoder.conv_out', 3), 'sample');
  return g.model(
    'vae_decoder',
    [valueInfo('latent_sample', FLOAT, ['batch', config.latent_channels, 'height_latent', 'width_latent'])],
    [valueInfo('sample', FLOAT, ['batch', config.out_channels, 'height', 'width'])],
  );
}

function blocks(g: GraphBuilder, config: VaeConfig) {
  const groups = config.norm_num_groups;
  const resnet = (x: string, name: string, input: number, out: number): string => {
    let h = g.conv(g.silu(g.groupNorm(x, `${name}.norm1`, groups, input, EPS)), `${name}.conv1`, 3);
    h = g.conv(g.silu(g.groupNorm(h, `${name}.norm2`, groups, out, EPS)), `${name}.conv2`, 3);
    return g.one('Add', [input !== out ? g.conv(x, `${name}.conv_shortcut`, 1) : x, h]);
  };
  /** One head over all channels on the H·W tokens, with a residual. */
  const attention = (x: string, name: string, c: number): string => {
    const normed = g.groupNorm(x, `${name}.group_norm`, groups, c, EPS);
    const tokens = g.one('Transpose', [g.one('Reshape', [normed, g.ints([0, c, -1])])], { perm: [0, 2, 1] });
    const q = g.linear(tokens, `${name}.to_q`);
    const k = g.linear(tokens, `${name}.to_k`);
    const v = g.linear(tokens, `${name}.to_v`);
    const out = g.linear(g.attention(q, k, v, 1, c, 1 / Math.sqrt(c)), `${name}.to_out.0`);
    const image = g.one('Reshape', [g.one('Transpose', [out], { perm: [0, 2, 1] }), g.one('Shape', [x])]);
    return g.one('Add', [image, x]);
  };
  const mid = (x: string, name: string, c: number): string => {
    const h = attention(resnet(x, `${name}.resnets.0`, c, c), `${name}.attentions.0`, c);
    return resnet(h, `${name}.resnets.1`, c, c);
  };
  return { resnet, mid };
}
