// diffusers parameter names → LDM names, for writing an SD 1.5-shaped test checkpoint (the inverse of the importer's
// ldm-names.ts; tools/reference/make_checkpoint_fixture.py does the same in Python for the tiny fixture).
import type { UNetConfig, VaeConfig } from '../../src-main/models/checkpoint/architecture-config';

const RESNET: [string, string][] = [
  ['norm1', 'in_layers.0'],
  ['conv1', 'in_layers.2'],
  ['norm2', 'out_layers.0'],
  ['conv2', 'out_layers.3'],
  ['time_emb_proj', 'emb_layers.1'],
  ['conv_shortcut', 'skip_connection'],
];
const resnet = (rest: string) => {
  for (const [d, l] of RESNET) if (rest.startsWith(`${d}.`)) return l + rest.slice(d.length);
  throw new Error(rest);
};

export function ldmName(component: 'unet' | 'vae', name: string, unet: UNetConfig, vae?: VaeConfig): string {
  return component === 'unet'
    ? `model.diffusion_model.${unetLdm(name, unet)}`
    : `first_stage_model.${vaeLdm(name, vae!)}`;
}

function unetLdm(name: string, config: UNetConfig): string {
  const per = config.layers_per_block + 1;
  const direct: Record<string, string> = {
    'conv_in.': 'input_blocks.0.0.',
    'time_embedding.linear_1.': 'time_embed.0.',
    'time_embedding.linear_2.': 'time_embed.2.',
    'conv_norm_out.': 'out.0.',
    'conv_out.': 'out.2.',
  };
  for (const [d, l] of Object.entries(direct)) if (name.startsWith(d)) return l + name.slice(d.length);
  const p = name.split('.');
  const tail = (from: number) => p.slice(from).join('.');
  if (p[0] === 'down_blocks') {
    const b = Number(p[1]);
    if (p[2] === 'downsamplers') return `input_blocks.${1 + b * per + per - 1}.0.op.${tail(5)}`;
    const index = 1 + b * per + Number(p[3]);
    return p[2] === 'resnets' ? `input_blocks.${index}.0.${resnet(tail(4))}` : `input_blocks.${index}.1.${tail(4)}`;
  }
  if (p[0] === 'mid_block') {
    const k = Number(p[2]);
    return p[1] === 'resnets' ? `middle_block.${2 * k}.${resnet(tail(3))}` : `middle_block.1.${tail(3)}`;
  }
  const b = Number(p[1]);
  if (p[2] === 'upsamplers') {
    const attention = config.up_block_types[b].startsWith('CrossAttn');
    return `output_blocks.${b * per + per - 1}.${attention ? 2 : 1}.conv.${tail(5)}`;
  }
  const index = b * per + Number(p[3]);
  return p[2] === 'resnets' ? `output_blocks.${index}.0.${resnet(tail(4))}` : `output_blocks.${index}.1.${tail(4)}`;
}

function vaeLdm(name: string, config: VaeConfig): string {
  const levels = config.block_out_channels.length;
  const p = name.split('.');
  if (p[0] === 'quant_conv' || p[0] === 'post_quant_conv' || p[1] === 'conv_in' || p[1] === 'conv_out') return name;
  const side = p[0];
  if (p[1] === 'conv_norm_out') return `${side}.norm_out.${p[2]}`;
  const shortcut = (s: string) => s.replace('conv_shortcut', 'nin_shortcut');
  if (p[1] === 'mid_block') {
    if (p[2] === 'resnets') return `${side}.mid.block_${Number(p[3]) + 1}.${shortcut(p.slice(4).join('.'))}`;
    const sub = { group_norm: 'norm', to_q: 'q', to_k: 'k', to_v: 'v', to_out: 'proj_out' }[p[4]];
    return `${side}.mid.attn_1.${sub}.${p[p.length - 1]}`;
  }
  const block = Number(p[2]);
  const ldmBlock = side === 'encoder' ? block : levels - 1 - block;
  const level = side === 'encoder' ? 'down' : 'up';
  if (p[3] === 'downsamplers' || p[3] === 'upsamplers')
    return `${side}.${level}.${ldmBlock}.${level === 'down' ? 'downsample' : 'upsample'}.${p.slice(5).join('.')}`;
  return `${side}.${level}.${ldmBlock}.block.${p[4]}.${shortcut(p.slice(5).join('.'))}`;
}
