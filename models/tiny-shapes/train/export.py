"""Exports the trained weights (.npz) to the diffusers ONNX layout, with the input/output names and dtypes of
diffusers' ONNX export, plus configs, tokenizer, scheduler config, the heart concept (A1111 .safetensors) and its
example images. Runs on Debian's torch 1.13 (opset 14)."""
import json
import os
import shutil
import struct

import numpy as np
import onnx
import torch

import models
import pngio
import sampling
import world
from tokenizer import Tokenizer
from train import heart_examples, load_model, load_npz

OPSET = 14
TOKEN_EMBEDDING = 'text_model.embeddings.token_embedding.weight'


class TextExport(torch.nn.Module):
    def __init__(self, text):
        super().__init__()
        self.text = text

    def forward(self, input_ids):
        # int32 ids index the embedding directly: one Gather on the embedding initializer, as in CLIP's export.
        return self.text(input_ids)


class UNetExport(torch.nn.Module):
    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states):
        return self.unet(sample, timestep, encoder_hidden_states)


def _export(module, args, path, inputs, outputs, axes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=OPSET, do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return m


def _rename_token_embedding(path, vocab_size):
    """Give the token-embedding initializer CLIP's name and check that a Gather reads it (the studio appends
    textual-inversion rows to it)."""
    m = onnx.load(path)
    init = [i for i in m.graph.initializer if list(i.dims)[:1] == [vocab_size] and len(i.dims) == 2]
    assert len(init) == 1, [i.name for i in init]
    old = init[0].name
    init[0].name = TOKEN_EMBEDDING
    users = []
    for n in m.graph.node:
        for k, x in enumerate(n.input):
            if x == old:
                n.input[k] = TOKEN_EMBEDDING
                users.append(n.op_type)
    assert users == ['Gather'], users
    onnx.checker.check_model(m)
    onnx.save(m, path)


def safetensors_bytes(tensors, metadata=None):
    """{name: float32 array} -> safetensors file bytes (8-byte LE header length, JSON header, raw data)."""
    header, blobs, off = {}, [], 0
    for name, a in tensors.items():
        a = np.ascontiguousarray(a, dtype='<f4')
        header[name] = {'dtype': 'F32', 'shape': list(a.shape), 'data_offsets': [off, off + a.nbytes]}
        blobs.append(a.tobytes())
        off += a.nbytes
    if metadata:
        header['__metadata__'] = {k: str(v) for k, v in metadata.items()}
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * (-len(h) % 8)
    return struct.pack('<Q', len(h)) + h + b''.join(blobs)


def _write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(obj, f, indent=2)
        f.write('\n')


def configs(out, tok, sf, vae_cfg, text_cfg, unet_cfg):
    _write_json(os.path.join(out, 'model_index.json'), {
        '_class_name': 'OnnxStableDiffusionPipeline',
        '_diffusers_version': '0.40.0',
        'feature_extractor': [None, None],
        'requires_safety_checker': False,
        'safety_checker': [None, None],
        'scheduler': ['diffusers', 'PNDMScheduler'],
        'text_encoder': ['onnxruntime', 'OnnxRuntimeModel'],
        'tokenizer': ['transformers', 'CLIPTokenizer'],
        'unet': ['onnxruntime', 'OnnxRuntimeModel'],
        'vae_decoder': ['onnxruntime', 'OnnxRuntimeModel'],
        'vae_encoder': ['onnxruntime', 'OnnxRuntimeModel'],
    })
    _write_json(os.path.join(out, 'scheduler', 'scheduler_config.json'), sampling.SCHEDULER_CONFIG)
    _write_json(os.path.join(out, 'text_encoder', 'config.json'), {
        'architectures': ['CLIPTextModel'], 'model_type': 'clip_text_model', 'hidden_act': 'quick_gelu',
        'hidden_size': text_cfg['hidden_size'], 'intermediate_size': text_cfg['intermediate_size'],
        'num_hidden_layers': text_cfg['num_hidden_layers'], 'num_attention_heads': text_cfg['num_attention_heads'],
        'max_position_embeddings': text_cfg['max_position_embeddings'], 'vocab_size': tok.size,
        'bos_token_id': tok.bos, 'eos_token_id': tok.eos, 'pad_token_id': tok.eos, 'layer_norm_eps': 1e-5,
        'attention_dropout': 0.0, 'projection_dim': text_cfg['hidden_size'], 'torch_dtype': 'float32'})
    ch = unet_cfg['block_out_channels']
    heads = [c // unet_cfg['head_dim'] for c in ch]
    _write_json(os.path.join(out, 'unet', 'config.json'), {
        '_class_name': 'UNet2DConditionModel', '_diffusers_version': '0.40.0', 'act_fn': 'silu',
        'attention_head_dim': heads,  # diffusers' historical meaning: heads per block
        'block_out_channels': ch, 'center_input_sample': False,
        'cross_attention_dim': unet_cfg['cross_attention_dim'],
        'down_block_types': ['CrossAttnDownBlock2D' if a else 'DownBlock2D' for a in unet_cfg['attention']],
        'up_block_types': ['CrossAttnUpBlock2D' if a else 'UpBlock2D' for a in reversed(unet_cfg['attention'])],
        'mid_block_type': 'UNetMidBlock2DCrossAttn', 'downsample_padding': 1, 'flip_sin_to_cos': True,
        'freq_shift': 0, 'in_channels': 4, 'out_channels': 4, 'layers_per_block': unet_cfg['layers_per_block'],
        'mid_block_scale_factor': 1, 'norm_eps': 1e-6, 'norm_num_groups': unet_cfg['norm_num_groups'],
        'sample_size': world.SIZE // 8, 'use_linear_projection': False, 'time_embedding_dim': unet_cfg['time_embed_dim'],
        'transformer_feed_forward_mult': unet_cfg['ff_mult'], 'timestep_input': 'int64 [1]'})
    vae = {'_class_name': 'AutoencoderKL', '_diffusers_version': '0.40.0', 'act_fn': 'silu',
           'block_out_channels': vae_cfg['block_out_channels'],
           'down_block_types': ['DownEncoderBlock2D'] * len(vae_cfg['block_out_channels']),
           'up_block_types': ['UpDecoderBlock2D'] * len(vae_cfg['block_out_channels']),
           'in_channels': 3, 'out_channels': 3, 'latent_channels': vae_cfg['latent_channels'],
           'layers_per_block': vae_cfg['layers_per_block'], 'norm_num_groups': vae_cfg['norm_num_groups'],
           'mid_block_add_attention': vae_cfg['mid_attention'], 'sample_size': world.SIZE,
           'scaling_factor': sf}
    _write_json(os.path.join(out, 'vae_encoder', 'config.json'), dict(vae, encoder_output='posterior mean'))
    _write_json(os.path.join(out, 'vae_decoder', 'config.json'), vae)


def export_all(work, out):
    models.EXPORTING = True
    torch.manual_seed(0)
    tok = Tokenizer(os.path.join(work, 'tokenizer'))
    vae, extra = load_model('vae', work)
    sf = float(extra['__scaling_factor'])
    text, _ = load_model('text', work, vocab_size=tok.size, eos_token_id=tok.eos)
    unet, _ = load_model('unet', work)

    for d in ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder', 'tokenizer', 'scheduler']:
        shutil.rmtree(os.path.join(out, d), ignore_errors=True)
    shutil.copytree(os.path.join(work, 'tokenizer'), os.path.join(out, 'tokenizer'))

    ids = torch.tensor([tok('a red circle'), tok('')], dtype=torch.int32)
    path = os.path.join(out, 'text_encoder', 'model.onnx')
    _export(TextExport(text), (ids,), path, ['input_ids'], ['last_hidden_state', 'pooler_output'],
            {'input_ids': {0: 'batch', 1: 'sequence'}, 'last_hidden_state': {0: 'batch', 1: 'sequence'},
             'pooler_output': {0: 'batch'}})
    _rename_token_embedding(path, tok.size)

    h = world.SIZE // 8
    _export(UNetExport(unet), (torch.randn(2, 4, h, h), torch.tensor([981], dtype=torch.int64),
                               torch.randn(2, 77, text.token_embedding.weight.shape[1])),
            os.path.join(out, 'unet', 'model.onnx'), ['sample', 'timestep', 'encoder_hidden_states'], ['out_sample'],
            {'sample': {0: 'batch', 2: 'height', 3: 'width'}, 'encoder_hidden_states': {0: 'batch', 1: 'sequence'},
             'out_sample': {0: 'batch', 2: 'height', 3: 'width'}})
    _export(models.VaeEncoderExport(vae), (torch.randn(1, 3, world.SIZE, world.SIZE),),
            os.path.join(out, 'vae_encoder', 'model.onnx'), ['sample'], ['latent_sample'],
            {'sample': {0: 'batch', 2: 'height', 3: 'width'}, 'latent_sample': {0: 'batch', 2: 'height', 3: 'width'}})
    _export(models.VaeDecoderExport(vae), (torch.randn(1, 4, h, h),),
            os.path.join(out, 'vae_decoder', 'model.onnx'), ['latent_sample'], ['sample'],
            {'latent_sample': {0: 'batch', 2: 'height', 3: 'width'}, 'sample': {0: 'batch', 2: 'height', 3: 'width'}})

    configs(out, tok, sf, models.CONFIG['vae'], models.CONFIG['text'], models.CONFIG['unet'])

    concept = load_npz(os.path.join(work, 'concept.npz'))
    cdir = os.path.join(out, 'concepts')
    shutil.rmtree(cdir, ignore_errors=True)
    os.makedirs(os.path.join(cdir, 'heart-examples'))
    with open(os.path.join(cdir, 'heart.safetensors'), 'wb') as f:
        f.write(safetensors_bytes({'emb_params': concept['emb_params'].numpy()},
                                  {'name': 'heart', 'step': int(concept['__steps']), 'sd_checkpoint_name': 'tiny-shapes'}))
    ex = heart_examples()
    _, bg, objs = world.pack([(None, b, o) for _, b, o in ex])
    for i, (img, (attrs, _, _)) in enumerate(zip(world.render(bg, objs), ex)):
        color, size, pos, bgc = attrs
        name = '-'.join(x.replace(' ', '-') for x in [f'{i + 1:02d}', size, color, 'heart', pos, 'on', bgc] if x)
        pngio.write_png(os.path.join(cdir, 'heart-examples', name + '.png'), pngio.to_uint8(img.numpy()))
    models.EXPORTING = False
    return reference_outputs(out, tok, text, unet, vae, sf, concept['emb_params'])


@torch.no_grad()
def reference_outputs(out, tok, text, unet, vae, sf, emb):
    """Torch outputs for fixed inputs, so that the ONNX files can be checked from Node (verify_onnx.mjs)."""
    g = torch.Generator().manual_seed(7)
    ids = [tok('a red circle at the top left'), tok('a red heart', {'heart': [tok.size, tok.size + 1]})]
    last, pooled = text(torch.tensor(ids[:1]))
    last_c, _ = text(torch.tensor(ids[1:]), emb)
    lat = torch.randn(2, 4, 16, 16, generator=g)
    ctx = torch.randn(2, 77, last.shape[-1], generator=g)
    eps = unet(lat, torch.tensor([501]), ctx)
    img = torch.rand(1, 3, 128, 128, generator=g) * 2 - 1
    enc = vae.encode(img)[0]
    dec = vae.decode(lat[:1])
    r = lambda x: [round(float(v), 6) for v in x.reshape(-1)]
    ref = {'ids': ids, 'last_hidden_state': r(last), 'pooler_output': r(pooled), 'concept_last_hidden_state': r(last_c),
           'concept': r(emb), 'latents': r(lat), 'context': r(ctx), 'timestep': 501, 'out_sample': r(eps),
           'image': r(img), 'latent_sample': r(enc), 'decoded': r(dec), 'scaling_factor': sf}
    return ref
