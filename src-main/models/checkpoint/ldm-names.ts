// LDM (CompVis/Stability single-file) tensor names → diffusers' state_dict names, the mapping diffusers' single-file
// loader applies (loaders/single_file_utils.py: convert_ldm_unet_checkpoint, convert_ldm_vae_checkpoint,
// convert_ldm_clip_checkpoint, convert_open_clip_checkpoint), written as one rule per LDM name so every tensor
// is either mapped or reported.
export type Component = 'unet' | 'vae' | 'text_encoder';

/** How a diffusers parameter is made from its LDM tensor. */
export type Transform =
  | { kind: 'copy' }
  /** A 1×1 convolution kept as a linear layer: drop the trailing unit dimensions. */
  | { kind: 'squeeze' }
  /** Rows [start, end) of a fused q/k/v projection (OpenCLIP's in_proj). */
  | { kind: 'rows'; start: number; end: number };

export interface MappedTensor {
  component: Component;
  /** The diffusers parameter name within its component. */
  target: string;
  source: string;
  transform: Transform;
}

export const UNET_PREFIX = 'model.diffusion_model.';
export const VAE_PREFIXES = ['first_stage_model.', 'vae.'];
export const CLIP_PREFIX = 'cond_stage_model.transformer.';
export const OPEN_CLIP_PREFIX = 'cond_stage_model.model.';

const copy: Transform = { kind: 'copy' };

const resnetNames: [RegExp, string][] = [
  [/^in_layers\.0\./, 'norm1.'],
  [/^in_layers\.2\./, 'conv1.'],
  [/^out_layers\.0\./, 'norm2.'],
  [/^out_layers\.3\./, 'conv2.'],
  [/^emb_layers\.1\./, 'time_emb_proj.'],
  [/^skip_connection\./, 'conv_shortcut.'],
];

function renameResnet(rest: string): string | null {
  for (const [from, to] of resnetNames) if (from.test(rest)) return rest.replace(from, to);
  return null;
}

/** `layersPerBlock` fixes where each LDM input/output block falls among diffusers' down/up blocks. */
export function mapUnetName(name: string, layersPerBlock: number): string | null {
  const direct: Record<string, string> = {
    'time_embed.0.': 'time_embedding.linear_1.',
    'time_embed.2.': 'time_embedding.linear_2.',
    'input_blocks.0.0.': 'conv_in.',
    'out.0.': 'conv_norm_out.',
    'out.2.': 'conv_out.',
  };
  for (const [from, to] of Object.entries(direct)) if (name.startsWith(from)) return to + name.slice(from.length);
  const per = layersPerBlock + 1;
  let m = /^input_blocks\.(\d+)\.(\d+)\.(.+)$/.exec(name);
  if (m) {
    const index = Number(m[1]) - 1;
    const [block, layer, part, rest] = [Math.floor(index / per), index % per, m[2], m[3]];
    if (part === '0' && rest.startsWith('op.')) return `down_blocks.${block}.downsamplers.0.conv.${rest.slice(3)}`;
    if (part === '0') return prefixed(`down_blocks.${block}.resnets.${layer}.`, renameResnet(rest));
    if (part === '1') return `down_blocks.${block}.attentions.${layer}.${rest}`;
    return null;
  }
  m = /^middle_block\.(\d)\.(.+)$/.exec(name);
  if (m) {
    if (m[1] === '1') return `mid_block.attentions.0.${m[2]}`;
    return prefixed(`mid_block.resnets.${m[1] === '0' ? 0 : 1}.`, renameResnet(m[2]));
  }
  m = /^output_blocks\.(\d+)\.(\d+)\.(.+)$/.exec(name);
  if (m) {
    const index = Number(m[1]);
    const [block, layer, part, rest] = [Math.floor(index / per), index % per, m[2], m[3]];
    if (part === '0') return prefixed(`up_blocks.${block}.resnets.${layer}.`, renameResnet(rest));
    // The upsampler follows the resnet (part 1) in blocks without attention, the attention (part 2) in the others.
    if (rest.startsWith('conv.') && (part === '1' || part === '2'))
      return `up_blocks.${block}.upsamplers.0.conv.${rest.slice(5)}`;
    if (part === '1') return `up_blocks.${block}.attentions.${layer}.${rest}`;
  }
  return null;
}

const prefixed = (prefix: string, rest: string | null) => (rest === null ? null : prefix + rest);

const vaeAttentionNames: Record<string, string> = {
  'norm.': 'group_norm.',
  'q.': 'to_q.',
  'k.': 'to_k.',
  'v.': 'to_v.',
  'proj_out.': 'to_out.0.',
};

/** `levels`: the VAE's number of resolution levels (diffusers numbers the decoder's up blocks the other way). */
export function mapVaeName(name: string, levels: number): { target: string; squeeze: boolean } | null {
  const plain = (target: string | null) => (target === null ? null : { target, squeeze: false });
  const direct = /^(encoder|decoder)\.(conv_in|conv_out)\.(.+)$/.exec(name);
  if (direct) return plain(name);
  if (/^(post_)?quant_conv\./.test(name)) return plain(name);
  let m = /^(encoder|decoder)\.norm_out\.(.+)$/.exec(name);
  if (m) return plain(`${m[1]}.conv_norm_out.${m[2]}`);
  m = /^encoder\.down\.(\d+)\.(block\.(\d+)|downsample)\.(.+)$/.exec(name);
  if (m) {
    if (m[2] === 'downsample') return plain(`encoder.down_blocks.${m[1]}.downsamplers.0.${m[4]}`);
    return plain(`encoder.down_blocks.${m[1]}.resnets.${m[3]}.${vaeResnet(m[4])}`);
  }
  m = /^decoder\.up\.(\d+)\.(block\.(\d+)|upsample)\.(.+)$/.exec(name);
  if (m) {
    const block = levels - 1 - Number(m[1]);
    if (m[2] === 'upsample') return plain(`decoder.up_blocks.${block}.upsamplers.0.${m[4]}`);
    return plain(`decoder.up_blocks.${block}.resnets.${m[3]}.${vaeResnet(m[4])}`);
  }
  m = /^(encoder|decoder)\.mid\.block_([12])\.(.+)$/.exec(name);
  if (m) return plain(`${m[1]}.mid_block.resnets.${Number(m[2]) - 1}.${vaeResnet(m[3])}`);
  m = /^(encoder|decoder)\.mid\.attn_1\.(norm|q|k|v|proj_out)\.(weight|bias)$/.exec(name);
  if (m) {
    const target = `${m[1]}.mid_block.attentions.0.${vaeAttentionNames[`${m[2]}.`]}${m[3]}`;
    return { target, squeeze: m[2] !== 'norm' && m[3] === 'weight' };
  }
  return null;
}

const vaeResnet = (rest: string) => rest.replace(/^nin_shortcut\./, 'conv_shortcut.');

/**
 * SD 1.x: transformers' CLIPTextModel saved whole; the names only lose their prefix. Some merged checkpoints were
 * saved from the inner CLIPTextTransformer (no `text_model.` level), as A1111 also accepts.
 */
export function mapClipName(name: string): string | null {
  if (name.startsWith('text_model.')) return name;
  return /^(embeddings|encoder|final_layer_norm)\./.test(name) ? `text_model.${name}` : null;
}

/**
 * SD 2.x: OpenCLIP ViT-H. `hidden` is the width (rows of each of q/k/v in the fused in_proj); `layers` the
 * resblocks the diffusers text encoder keeps (SD 2.x uses the penultimate layer's output, so the last is dropped).
 */
export function mapOpenClipName(
  name: string,
  hidden: number,
  layers: number,
): { target: string; transform: Transform }[] | null {
  const direct: Record<string, string> = {
    positional_embedding: 'text_model.embeddings.position_embedding.weight',
    'token_embedding.weight': 'text_model.embeddings.token_embedding.weight',
    'ln_final.weight': 'text_model.final_layer_norm.weight',
    'ln_final.bias': 'text_model.final_layer_norm.bias',
  };
  if (direct[name]) return [{ target: direct[name], transform: copy }];
  const m = /^transformer\.resblocks\.(\d+)\.(.+)$/.exec(name);
  if (!m) return null;
  if (Number(m[1]) >= layers) return [];
  const layer = `text_model.encoder.layers.${m[1]}`;
  const fused = /^attn\.in_proj_(weight|bias)$/.exec(m[2]);
  if (fused)
    return ['q_proj', 'k_proj', 'v_proj'].map((p, i) => ({
      target: `${layer}.self_attn.${p}.${fused[1]}`,
      transform: { kind: 'rows', start: i * hidden, end: (i + 1) * hidden },
    }));
  const renames: [RegExp, string][] = [
    [/^ln_1\./, 'layer_norm1.'],
    [/^ln_2\./, 'layer_norm2.'],
    [/^mlp\.c_fc\./, 'mlp.fc1.'],
    [/^mlp\.c_proj\./, 'mlp.fc2.'],
    [/^attn\.out_proj\./, 'self_attn.out_proj.'],
  ];
  for (const [from, to] of renames)
    if (from.test(m[2])) return [{ target: `${layer}.${m[2].replace(from, to)}`, transform: copy }];
  return null;
}
