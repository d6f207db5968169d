"""Stable Diffusion's three networks in miniature, written to run on torch 1.13 (export) and torch 2.x (training):
a KL autoencoder (diffusers AutoencoderKL layout), a CLIP-style causal text transformer (CLIPTextModel layout) and
a UNet with residual blocks, timestep embedding and cross-attention transformers (UNet2DConditionModel layout)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIG = {
    'vae': dict(block_out_channels=[32, 48, 96, 96], layers_per_block=1, latent_channels=4, norm_num_groups=8,
                mid_attention=True),
    'text': dict(vocab_size=604, hidden_size=256, intermediate_size=512, num_hidden_layers=4, num_attention_heads=4,
                 max_position_embeddings=77),
    'unet': dict(block_out_channels=[64, 96, 128], layers_per_block=1, attention=[False, True, True],
                 head_dim=32, cross_attention_dim=256, norm_num_groups=32, time_embed_dim=256, ff_mult=2,
                 mid_resnets=1),
}

EXPORTING = False  # set by export.py: plain attention only (torch 1.13's exporter has no fused attention)
USE_SDPA = hasattr(F, 'scaled_dot_product_attention')


def attention(q, k, v, causal=False):
    """q,k,v: [B, heads, L, d] -> [B, heads, L, d]."""
    if USE_SDPA and not EXPORTING:
        return F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    w = torch.matmul(q, k.transpose(-1, -2)) * (q.shape[-1] ** -0.5)
    if causal:
        n = q.shape[-2]
        i = torch.arange(n, device=q.device)
        w = w.masked_fill(i[None, :] > i[:, None], float('-inf'))
    return torch.matmul(w.softmax(dim=-1), v)


def split_heads(x, heads):
    b, n, c = x.shape
    return x.reshape(b, n, heads, c // heads).transpose(1, 2)


def merge_heads(x):
    b, h, n, d = x.shape
    return x.transpose(1, 2).reshape(b, n, h * d)


# ------------------------------------------------------------------------------------------------ shared blocks

class ResnetBlock(nn.Module):
    """diffusers ResnetBlock2D: GroupNorm-SiLU-conv, (+ timestep projection), GroupNorm-SiLU-conv, skip."""

    def __init__(self, cin, cout, groups, temb=None):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin, eps=1e-6)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time_emb_proj = nn.Linear(temb, cout) if temb else None
        self.norm2 = nn.GroupNorm(groups, cout, eps=1e-6)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.conv_shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb=None):
        h = self.conv1(F.silu(self.norm1(x)))
        if self.time_emb_proj is not None:
            h = h + self.time_emb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (x if self.conv_shortcut is None else self.conv_shortcut(x)) + h


class Downsample(nn.Module):
    def __init__(self, c, asymmetric):
        super().__init__()
        self.asymmetric = asymmetric  # the VAE pads (0,1,0,1) like SD's; the UNet pads 1 all round
        self.conv = nn.Conv2d(c, c, 3, stride=2, padding=0 if asymmetric else 1)

    def forward(self, x):
        if self.asymmetric:
            x = F.pad(x, (0, 1, 0, 1))
        return self.conv(x)


class Upsample(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode='nearest'))


# ------------------------------------------------------------------------------------------------------ VAE

class VaeAttention(nn.Module):
    """Single-head spatial self-attention of the VAE's mid block."""

    def __init__(self, c, groups):
        super().__init__()
        self.group_norm = nn.GroupNorm(groups, c, eps=1e-6)
        self.to_q, self.to_k, self.to_v = nn.Linear(c, c), nn.Linear(c, c), nn.Linear(c, c)
        self.to_out = nn.Linear(c, c)

    def forward(self, x):
        b, c, h, w = x.shape
        y = self.group_norm(x).flatten(2).transpose(1, 2)
        q, k, v = (split_heads(f(y), 1) for f in (self.to_q, self.to_k, self.to_v))
        y = self.to_out(merge_heads(attention(q, k, v)))
        return x + y.transpose(1, 2).reshape(b, c, h, w)


class VaeMid(nn.Module):
    def __init__(self, c, groups, attn):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock(c, c, groups), ResnetBlock(c, c, groups)])
        self.attention = VaeAttention(c, groups) if attn else None

    def forward(self, x):
        x = self.resnets[0](x)
        if self.attention is not None:
            x = self.attention(x)
        return self.resnets[1](x)


class Encoder(nn.Module):
    def __init__(self, block_out_channels, layers_per_block, latent_channels, norm_num_groups, mid_attention):
        super().__init__()
        ch, g = block_out_channels, norm_num_groups
        self.conv_in = nn.Conv2d(3, ch[0], 3, padding=1)
        self.down = nn.ModuleList()
        prev = ch[0]
        for i, c in enumerate(ch):
            blk = nn.Module()
            blk.resnets = nn.ModuleList([ResnetBlock(prev if j == 0 else c, c, g) for j in range(layers_per_block)])
            blk.downsample = Downsample(c, True) if i < len(ch) - 1 else None
            self.down.append(blk)
            prev = c
        self.mid = VaeMid(prev, g, mid_attention)
        self.norm_out = nn.GroupNorm(g, prev, eps=1e-6)
        self.conv_out = nn.Conv2d(prev, 2 * latent_channels, 3, padding=1)

    def forward(self, x):
        x = self.conv_in(x)
        for blk in self.down:
            for r in blk.resnets:
                x = r(x)
            if blk.downsample is not None:
                x = blk.downsample(x)
        x = self.mid(x)
        return self.conv_out(F.silu(self.norm_out(x)))


class Decoder(nn.Module):
    def __init__(self, block_out_channels, layers_per_block, latent_channels, norm_num_groups, mid_attention):
        super().__init__()
        ch, g = list(reversed(block_out_channels)), norm_num_groups
        self.conv_in = nn.Conv2d(latent_channels, ch[0], 3, padding=1)
        self.mid = VaeMid(ch[0], g, mid_attention)
        self.up = nn.ModuleList()
        prev = ch[0]
        for i, c in enumerate(ch):
            blk = nn.Module()
            blk.resnets = nn.ModuleList([ResnetBlock(prev if j == 0 else c, c, g) for j in range(layers_per_block + 1)])
            blk.upsample = Upsample(c) if i < len(ch) - 1 else None
            self.up.append(blk)
            prev = c
        self.norm_out = nn.GroupNorm(g, prev, eps=1e-6)
        self.conv_out = nn.Conv2d(prev, 3, 3, padding=1)

    def forward(self, z):
        x = self.mid(self.conv_in(z))
        for blk in self.up:
            for r in blk.resnets:
                x = r(x)
            if blk.upsample is not None:
                x = blk.upsample(x)
        return self.conv_out(F.silu(self.norm_out(x)))


class AutoencoderKL(nn.Module):
    def __init__(self, **cfg):
        super().__init__()
        self.encoder = Encoder(**cfg)
        self.decoder = Decoder(**cfg)
        z = cfg['latent_channels']
        self.quant_conv = nn.Conv2d(2 * z, 2 * z, 1)
        self.post_quant_conv = nn.Conv2d(z, z, 1)

    def encode(self, x):
        """-> mean, logvar of the diagonal Gaussian posterior."""
        mean, logvar = self.quant_conv(self.encoder(x)).chunk(2, dim=1)
        return mean, logvar.clamp(-30.0, 20.0)

    def decode(self, z):
        return self.decoder(self.post_quant_conv(z))


class VaeEncoderExport(nn.Module):
    """ONNX vae_encoder: sample -> latent_sample = posterior mean (deterministic img2img)."""

    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, sample):
        return self.vae.encode(sample)[0]


class VaeDecoderExport(nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, latent_sample):
        return self.vae.decode(latent_sample)


# ------------------------------------------------------------------------------------------------- text encoder

class ClipAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(d, d) for _ in range(4))

    def forward(self, x):
        q, k, v = (split_heads(f(x), self.heads) for f in (self.q_proj, self.k_proj, self.v_proj))
        return self.out_proj(merge_heads(attention(q, k, v, causal=True)))


class ClipLayer(nn.Module):
    def __init__(self, d, ff, heads):
        super().__init__()
        self.layer_norm1 = nn.LayerNorm(d)
        self.self_attn = ClipAttention(d, heads)
        self.layer_norm2 = nn.LayerNorm(d)
        self.fc1, self.fc2 = nn.Linear(d, ff), nn.Linear(ff, d)

    def forward(self, x):
        x = x + self.self_attn(self.layer_norm1(x))
        h = self.fc1(self.layer_norm2(x))
        return x + self.fc2(h * torch.sigmoid(1.702 * h))  # CLIP's quick_gelu


class TextEncoder(nn.Module):
    """CLIPTextModel in miniature. forward(input_ids, extra) -> (last_hidden_state, pooler_output); `extra` rows are
    appended to the token embedding (textual-inversion concepts, ids >= vocab_size)."""

    def __init__(self, vocab_size, hidden_size, intermediate_size, num_hidden_layers, num_attention_heads,
                 max_position_embeddings, eos_token_id=None):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, hidden_size)
        self.position_embedding = nn.Embedding(max_position_embeddings, hidden_size)
        self.register_buffer('position_ids', torch.arange(max_position_embeddings)[None], persistent=False)
        self.layers = nn.ModuleList(
            [ClipLayer(hidden_size, intermediate_size, num_attention_heads) for _ in range(num_hidden_layers)])
        self.final_layer_norm = nn.LayerNorm(hidden_size)
        self.eos_token_id = vocab_size - 1 if eos_token_id is None else eos_token_id

    def forward(self, input_ids, extra=None):
        weight = self.token_embedding.weight
        if extra is not None:
            weight = torch.cat([weight, extra.to(weight.dtype)], 0)
        x = F.embedding(input_ids, weight)
        x = x + self.position_embedding(self.position_ids[:, :input_ids.shape[1]])
        for layer in self.layers:
            x = layer(x)
        last = self.final_layer_norm(x)
        # The first EOS (not argmax of the ids as in CLIP: concept tokens are appended after EOS's id).
        eos = (input_ids == self.eos_token_id).int().argmax(dim=-1)
        pooled = last[torch.arange(last.shape[0], device=last.device), eos]
        return last, pooled


# --------------------------------------------------------------------------------------------------------- UNet

def timestep_embedding(t, dim):
    """diffusers Timesteps(dim, flip_sin_to_cos=True, downscale_freq_shift=0)."""
    half = dim // 2
    exponent = -math.log(10000) * torch.arange(half, dtype=torch.float32, device=t.device) / half
    arg = t.float()[:, None] * torch.exp(exponent)[None]
    return torch.cat([torch.cos(arg), torch.sin(arg)], dim=-1)


class CrossAttention(nn.Module):
    def __init__(self, c, ctx, heads):
        super().__init__()
        self.heads = heads
        self.to_q = nn.Linear(c, c, bias=False)
        self.to_k = nn.Linear(ctx, c, bias=False)
        self.to_v = nn.Linear(ctx, c, bias=False)
        self.to_out = nn.Linear(c, c)

    def forward(self, x, context=None):
        context = x if context is None else context
        q = split_heads(self.to_q(x), self.heads)
        k = split_heads(self.to_k(context), self.heads)
        v = split_heads(self.to_v(context), self.heads)
        return self.to_out(merge_heads(attention(q, k, v)))


class Transformer2D(nn.Module):
    """diffusers Transformer2DModel with one BasicTransformerBlock (self-attn, cross-attn, GEGLU feed-forward)."""

    def __init__(self, c, ctx, heads, groups, ff_mult):
        super().__init__()
        self.norm = nn.GroupNorm(groups, c, eps=1e-6)
        self.proj_in = nn.Conv2d(c, c, 1)
        self.norm1, self.attn1 = nn.LayerNorm(c), CrossAttention(c, c, heads)
        self.norm2, self.attn2 = nn.LayerNorm(c), CrossAttention(c, ctx, heads)
        self.norm3 = nn.LayerNorm(c)
        self.ff_in = nn.Linear(c, 2 * ff_mult * c)
        self.ff_out = nn.Linear(ff_mult * c, c)
        self.proj_out = nn.Conv2d(c, c, 1)

    def forward(self, x, context):
        b, c, h, w = x.shape
        y = self.proj_in(self.norm(x)).flatten(2).transpose(1, 2)
        y = y + self.attn1(self.norm1(y))
        y = y + self.attn2(self.norm2(y), context)
        a, gate = self.ff_in(self.norm3(y)).chunk(2, dim=-1)
        y = y + self.ff_out(a * F.gelu(gate))
        return x + self.proj_out(y.transpose(1, 2).reshape(b, c, h, w))


class UNet(nn.Module):
    def __init__(self, block_out_channels, layers_per_block, attention, head_dim, cross_attention_dim,
                 norm_num_groups, time_embed_dim, ff_mult, mid_resnets, in_channels=4, out_channels=4):
        super().__init__()
        ch, g, L, T = block_out_channels, norm_num_groups, layers_per_block, time_embed_dim
        self.base = ch[0]
        self.conv_in = nn.Conv2d(in_channels, ch[0], 3, padding=1)
        self.time_embedding = nn.Sequential(nn.Linear(ch[0], T), nn.SiLU(), nn.Linear(T, T))
        tr = lambda c: Transformer2D(c, cross_attention_dim, c // head_dim, g, ff_mult)
        self.down = nn.ModuleList()
        skips = [ch[0]]
        prev = ch[0]
        for i, c in enumerate(ch):
            blk = nn.Module()
            blk.resnets = nn.ModuleList([ResnetBlock(prev if j == 0 else c, c, g, T) for j in range(L)])
            blk.attentions = nn.ModuleList([tr(c) for _ in range(L)]) if attention[i] else None
            skips += [c] * L
            blk.downsample = Downsample(c, False) if i < len(ch) - 1 else None
            if blk.downsample is not None:
                skips.append(c)
            self.down.append(blk)
            prev = c
        self.mid_resnets = nn.ModuleList([ResnetBlock(prev, prev, g, T) for _ in range(mid_resnets + 1)])
        self.mid_attention = tr(prev)
        self.up = nn.ModuleList()
        for i, c in enumerate(reversed(ch)):
            blk = nn.Module()
            res = []
            for j in range(L + 1):
                res.append(ResnetBlock(prev + skips.pop(), c, g, T))
                prev = c
            blk.resnets = nn.ModuleList(res)
            blk.attentions = nn.ModuleList([tr(c) for _ in range(L + 1)]) if attention[len(ch) - 1 - i] else None
            blk.upsample = Upsample(c) if i < len(ch) - 1 else None
            self.up.append(blk)
        self.norm_out = nn.GroupNorm(g, ch[0], eps=1e-6)
        self.conv_out = nn.Conv2d(ch[0], out_channels, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states):
        # A timestep of shape [1] (diffusers' ONNX convention) or [B] broadcasts over the batch.
        t = timestep.reshape(-1).expand(sample.shape[0])
        temb = self.time_embedding(timestep_embedding(t, self.base).to(sample.dtype))
        x = self.conv_in(sample)
        skips = [x]
        for blk in self.down:
            for j, r in enumerate(blk.resnets):
                x = r(x, temb)
                if blk.attentions is not None:
                    x = blk.attentions[j](x, encoder_hidden_states)
                skips.append(x)
            if blk.downsample is not None:
                x = blk.downsample(x)
                skips.append(x)
        x = self.mid_resnets[0](x, temb)
        x = self.mid_attention(x, encoder_hidden_states)
        for r in self.mid_resnets[1:]:
            x = r(x, temb)
        for blk in self.up:
            for j, r in enumerate(blk.resnets):
                x = r(torch.cat([x, skips.pop()], dim=1), temb)
                if blk.attentions is not None:
                    x = blk.attentions[j](x, encoder_hidden_states)
            if blk.upsample is not None:
                x = blk.upsample(x)
        return self.conv_out(F.silu(self.norm_out(x)))


def build(kind, **override):
    cfg = dict(CONFIG[kind], **override)
    return {'vae': AutoencoderKL, 'text': TextEncoder, 'unet': UNet}[kind](**cfg)


def count(m):
    return sum(p.numel() for p in m.parameters())
