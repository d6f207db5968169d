#!/usr/bin/python3
"""Tiny random-weight Stable Diffusion models in diffusers' ONNX layout, for the engine's end-to-end tests.

Needs a diffusers v0.40.0 source tree (not committed here), Debian's python3-torch (1.13), python3-numpy,
python3-onnx, python3-pil and python3-regex:
    git --git-dir=<diffusers mirror> archive v0.40.0 src | tar -x -C /tmp/diffusers
    DIFFUSERS_SRC=/tmp/diffusers/src /usr/bin/python3 tools/reference/make_fixture_models.py \
        src-main/engine/test-fixtures/models [--verify]

The UNet and VAE are diffusers' own UNet2DConditionModel and AutoencoderKL with tiny configs; the text encoder is a
2-layer CLIP-style causal transformer written here (transformers is not installed), over a byte-level CLIP
tokenizer also written here. Weights come from torch's default initialisation under fixed seeds, then a few UNet
weights are rescaled (see `calibrate`) so that the images depend clearly on the prompt and the timestep.
Every variant folder holds the same weights (the inpainting ones a UNet of their own):
  tiny-sd           fp32; timestep int64 of shape [1]; vae_encoder → latent_sample (the posterior mean, so the
                    graph is deterministic)
  tiny-sd-fp16      float16 inputs, outputs and weights; what torch computes in float32 whatever the model's dtype
                    (the sinusoidal timestep embedding, the VAE's upcast softmax) stays float32 between Casts, as
                    in a torch.float16 export
  tiny-sd-external  tiny-sd with unet/model.onnx's weights in unet/weights.pb (ONNX external data)
  tiny-sd-optimum   tiny-sd, but vae_encoder → latent_parameters (mean ‖ log-variance, as optimum exports)
  tiny-sd-v         SD 2.x-style: prediction_type v_prediction, pad token "!" (id 0), timestep float32 [batch]
  tiny-sd-inpaint   tiny-sd with an inpainting UNet: the same config with in_channels 9 (latents ‖ mask ‖ masked-image
                    latents, as SD inpainting checkpoints), its own weights (seed SEED + 3); text encoder, VAE,
                    tokenizer and scheduler as tiny-sd
  tiny-sd-inpaint-optimum  tiny-sd-inpaint with tiny-sd-optimum's vae_encoder (latent_parameters: the posterior
                    is sampled, so the order of the generator's draws shows)
--verify runs every exported graph in onnxruntime-node (run from the repository root) and prints the largest
difference from the torch modules.
"""
import copy
import hashlib
import importlib.abc
import importlib.machinery
import json
import math
import os
import subprocess
import sys
import tempfile
import types
import warnings

import diffusers_stubs

OPSET = 14  # what diffusers' convert_stable_diffusion_checkpoint_to_onnx.py uses
SEED = 20240613
SIZE = 64  # native image size: 8×8 latents
MAX_LENGTH = 77

# SD 1.5's scheduler/scheduler_config.json (stable-diffusion-v1-5)
SD15_SCHEDULER = {
    "_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", "beta_end": 0.012,
    "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": False, "num_train_timesteps": 1000,
    "set_alpha_to_one": False, "skip_prk_steps": True, "steps_offset": 1, "trained_betas": None,
}
# stable-diffusion-2-1's scheduler_config.json: DDIM, v-prediction
SD2V_SCHEDULER = {
    "_class_name": "DDIMScheduler", "_diffusers_version": "0.8.0", "beta_end": 0.012,
    "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": False, "num_train_timesteps": 1000,
    "prediction_type": "v_prediction", "set_alpha_to_one": False, "skip_prk_steps": True, "steps_offset": 1,
    "trained_betas": None,
}

UNET_CONFIG = {
    "sample_size": SIZE // 8, "in_channels": 4, "out_channels": 4,
    "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
    "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"],
    "block_out_channels": [8, 16], "layers_per_block": 1, "norm_num_groups": 4,
    "cross_attention_dim": 32, "attention_head_dim": 2,
}
VAE_CONFIG = {
    "in_channels": 3, "out_channels": 3, "latent_channels": 4, "sample_size": SIZE,
    "down_block_types": ["DownEncoderBlock2D"] * 4, "up_block_types": ["UpDecoderBlock2D"] * 4,
    "block_out_channels": [8, 8, 8, 8], "layers_per_block": 1, "norm_num_groups": 4, "scaling_factor": 0.18215,
}
TEXT_CONFIG = {
    "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
    "max_position_embeddings": MAX_LENGTH, "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5,
}
# Merges for the fixture prompts' words, in rank order; everything else falls back to single bytes.
MERGES = [
    "r e", "re d</w>", "c i", "ci r", "cir c", "l e</w>", "circ le</w>", "c a", "ca t</w>", "b l", "bl u",
    "blu e</w>", "o f</w>", "t h", "th e</w>", "d o", "do g</w>", "o n</w>", "p h", "ph o", "pho t", "phot o</w>",
    "s q", "sq u", "squ a", "r e</w>", "squa re</w>",
]
BOS, EOS = "<|startoftext|>", "<|endoftext|>"

# What sets each variant apart: scheduler config, pad token, the UNet's timestep dtype, the VAE encoder's output,
# float16 graphs, UNet weights as external data.
VARIANTS = {
    "tiny-sd": dict(scheduler=SD15_SCHEDULER, pad=EOS, timestep="int64", encoder="latent_sample", fp16=False,
                    external=False),
    "tiny-sd-fp16": dict(scheduler=SD15_SCHEDULER, pad=EOS, timestep="int64", encoder="latent_sample", fp16=True,
                         external=False),
    "tiny-sd-external": dict(scheduler=SD15_SCHEDULER, pad=EOS, timestep="int64", encoder="latent_sample",
                             fp16=False, external=True),
    "tiny-sd-optimum": dict(scheduler=SD15_SCHEDULER, pad=EOS, timestep="int64", encoder="latent_parameters",
                            fp16=False, external=False),
    "tiny-sd-v": dict(scheduler=SD2V_SCHEDULER, pad="!", timestep="float32", encoder="latent_sample", fp16=False,
                      external=False),
    "tiny-sd-inpaint": dict(scheduler=SD15_SCHEDULER, pad=EOS, timestep="int64", encoder="latent_sample", fp16=False,
                            external=False, inpaint=True),
    "tiny-sd-inpaint-optimum": dict(scheduler=SD15_SCHEDULER, pad=EOS, timestep="int64", encoder="latent_parameters",
                                    fp16=False, external=False, inpaint=True),
}
INPAINT_UNET_CONFIG = {**UNET_CONFIG, "in_channels": 9}  # 4 latents + 1 mask + 4 masked-image latents


# ----------------------------------------------------------------------------------------------------------------
# Environment: diffusers v0.40 on Debian's torch 1.13, without the hub/transformers packages it only imports.

def diffusers_env():
    """Imports diffusers from $DIFFUSERS_SRC with stubs for modules it names but these pipelines never use."""
    src = os.environ.get("DIFFUSERS_SRC")
    if not src:
        sys.exit("set DIFFUSERS_SRC to a diffusers v0.40.0 checkout's src directory")
    if os.environ.get("ATEN_CPU_CAPABILITY") != "avx2":  # the kernels most desktops use; see scheduler_references
        env = dict(os.environ, ATEN_CPU_CAPABILITY="avx2")
        sys.exit(subprocess.call([sys.executable, *sys.argv], env=env))
    import numpy as np
    import torch

    np._set_promotion_state("weak")  # NumPy 2's rule (NEP 50), which diffusers 0.40 users have
    _install_stubs()
    _patch_old_torch(torch)
    sys.path.insert(0, src)
    import diffusers
    import diffusers.utils.import_utils as import_utils

    # The SD pipelines' modules import CLIP classes from transformers for their signatures only: the stubs stand in.
    import_utils._transformers_available, import_utils._transformers_version = True, "4.57.0"
    diffusers.utils.logging.set_verbosity_error()
    return diffusers


def _install_stubs():
    diffusers_stubs.install_stubs({"huggingface_hub", "safetensors", "transformers", "tokenizers", "httpx"})


def _patch_old_torch(torch):
    """Names diffusers 0.40 reads at import time that torch 1.13 lacks; none is used on the CPU fp32 path."""
    class Absent:
        def __init__(self, name):
            self.name = name

        def __call__(self, *args, **kwargs):
            raise RuntimeError(f"torch.{self.name} is not in torch {torch.__version__}")

        def __getattr__(self, attr):
            if attr.startswith("__"):
                raise AttributeError(attr)
            if attr == "is_available":
                return lambda: False
            if attr == "device_count":
                return lambda: 0
            return Absent(f"{self.name}.{attr}")

    for name in ("xpu", "mtia", "mps", "npu", "musa", "hpu"):
        if not hasattr(torch, name) or not hasattr(getattr(torch, name), "empty_cache"):
            setattr(torch, name, Absent(name))
    for name in ("float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "uint1", "uint2", "uint3",
                 "uint4", "uint5", "uint6", "uint7", "uint16", "uint32", "uint64"):
        if not hasattr(torch, name):
            setattr(torch, name, Absent(name))
    if not hasattr(torch, "compiler"):
        def disable(fn=None, *args, **kwargs):
            return fn if callable(fn) else (lambda f: f)

        torch.compiler = types.SimpleNamespace(disable=disable, is_compiling=lambda: False,
                                               cudagraph_mark_step_begin=lambda: None)
    import torch.distributed

    def module(name, **attrs):
        m = types.ModuleType(name)
        m.__dict__.update(attrs)
        sys.modules[name] = m
        return m

    if not hasattr(torch.distributed, "device_mesh"):
        torch.distributed.device_mesh = module("torch.distributed.device_mesh", DeviceMesh=type("DeviceMesh", (), {}),
                                               init_device_mesh=Absent("init_device_mesh"))
    try:
        import torch.distributed._functional_collectives  # noqa: F401
    except ImportError:
        module("torch.distributed._functional_collectives")
    try:
        import torch.nn.attention  # noqa: F401
    except ImportError:
        torch.nn.attention = module("torch.nn.attention", sdpa_kernel=Absent("sdpa_kernel"),
                                    SDPBackend=types.SimpleNamespace())
        torch.nn.attention.flex_attention = module("torch.nn.attention.flex_attention",
                                                   BlockMask=type("BlockMask", (), {}),
                                                   create_block_mask=Absent("create_block_mask"),
                                                   flex_attention=Absent("flex_attention"))


# ----------------------------------------------------------------------------------------------------------------
# Tokenizer: byte-level CLIP BPE over a tiny vocabulary built the way CLIP's is.

def bytes_to_unicode():
    """CLIP's (and GPT-2's) map from the 256 byte values to printable characters, in vocabulary order."""
    bs = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def tokenizer_vocab():
    """openai/CLIP simple_tokenizer's construction: bytes, bytes + </w>, merges in rank order, the two markers."""
    symbols = list(bytes_to_unicode().values())
    tokens = symbols + [s + "</w>" for s in symbols] + [m.replace(" ", "") for m in MERGES] + [BOS, EOS]
    assert len(set(tokens)) == len(tokens)
    return {token: i for i, token in enumerate(tokens)}


class ClipTokenizer:
    """transformers' CLIPTokenizer without ftfy (the fixture prompts are plain ASCII), on this vocabulary."""

    def __init__(self, vocab, merges, pad_token):
        import regex

        self.vocab = vocab
        self.ranks = {tuple(m.split()): i for i, m in enumerate(merges)}
        self.byte_symbols = bytes_to_unicode()
        self.pad_id = vocab[pad_token]
        self.pattern = regex.compile(
            r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
            regex.IGNORECASE)
        self.regex = regex

    def bpe(self, piece):
        word = tuple(piece[:-1]) + (piece[-1] + "</w>",)
        while len(word) > 1:
            pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
            best = min(pairs, key=lambda p: self.ranks.get(p, math.inf))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = tuple(merged)
        return word

    def tokenize(self, text):
        import unicodedata

        text = self.regex.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().lower()
        ids = []
        for piece in self.pattern.findall(text):
            symbols = "".join(self.byte_symbols[b] for b in piece.encode("utf-8"))
            ids += [self.vocab[s] for s in self.bpe(symbols)]
        return ids

    def encode(self, text):
        """input_ids as the pipeline's tokenizer call makes them: bos, ids[:75], eos, then padding to 77."""
        body = self.tokenize(text)[: MAX_LENGTH - 2]
        ids = [self.vocab[BOS]] + body + [self.vocab[EOS]]
        return ids + [self.pad_id] * (MAX_LENGTH - len(ids))


def write_tokenizer(folder, pad_token):
    os.makedirs(folder, exist_ok=True)
    write_json(os.path.join(folder, "vocab.json"), tokenizer_vocab(), compact=True)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "".join(m + "\n" for m in MERGES))

    def added(content):
        return {"__type": "AddedToken", "content": content, "lstrip": False, "normalized": True, "rstrip": False,
                "single_word": False}

    write_json(os.path.join(folder, "tokenizer_config.json"), {
        "add_prefix_space": False, "bos_token": added(BOS), "do_lower_case": True, "eos_token": added(EOS),
        "errors": "replace", "model_max_length": MAX_LENGTH, "pad_token": pad_token,
        "tokenizer_class": "CLIPTokenizer", "unk_token": added(EOS),
    })
    plain = lambda content: {k: v for k, v in added(content).items() if k != "__type"}  # noqa: E731
    write_json(os.path.join(folder, "special_tokens_map.json"), {
        "bos_token": plain(BOS), "eos_token": plain(EOS), "pad_token": pad_token, "unk_token": plain(EOS),
    })


def load_tokenizer(pad_token):
    return ClipTokenizer(tokenizer_vocab(), MERGES, pad_token)


# ----------------------------------------------------------------------------------------------------------------
# Torch modules

def text_encoder_class():
    import torch
    from torch import nn

    class Layer(nn.Module):
        def __init__(self, c):
            super().__init__()
            d = c["hidden_size"]
            self.heads = c["num_attention_heads"]
            self.layer_norm1 = nn.LayerNorm(d, eps=c["layer_norm_eps"])
            self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(d, d) for _ in range(4))
            self.layer_norm2 = nn.LayerNorm(d, eps=c["layer_norm_eps"])
            self.fc1 = nn.Linear(d, c["intermediate_size"])
            self.fc2 = nn.Linear(c["intermediate_size"], d)

        def forward(self, x, mask):
            b, n, d = x.shape
            h = self.layer_norm1(x)
            split = lambda t: t.reshape(b, n, self.heads, d // self.heads).transpose(1, 2)  # noqa: E731
            q, k, v = split(self.q_proj(h) * (d // self.heads) ** -0.5), split(self.k_proj(h)), split(self.v_proj(h))
            attn = torch.softmax(q @ k.transpose(-1, -2) + mask, dim=-1)
            x = x + self.out_proj((attn @ v).transpose(1, 2).reshape(b, n, d))
            h = self.fc1(self.layer_norm2(x))
            return x + self.fc2(h * torch.sigmoid(1.702 * h))  # quick_gelu, as CLIP

    class TinyClipTextModel(nn.Module):
        """CLIP's text transformer (pre-LN, causal, quick_gelu), transformers' CLIPTextModel outputs."""

        def __init__(self, c, vocab_size):
            super().__init__()
            self.config = dict(c)
            d = c["hidden_size"]
            self.token_embedding = nn.Embedding(vocab_size, d)
            self.position_embedding = nn.Parameter(torch.randn(c["max_position_embeddings"], d) * 0.5)
            self.layers = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))
            self.final_layer_norm = nn.LayerNorm(d, eps=c["layer_norm_eps"])
            n = c["max_position_embeddings"]
            self.register_buffer("causal_mask", torch.full((n, n), -10000.0).triu(1), persistent=False)

        def forward(self, input_ids):
            ids = input_ids.to(torch.int64)
            n = ids.shape[1]
            x = self.token_embedding(ids) + self.position_embedding[:n]
            mask = self.causal_mask[:n, :n]
            for layer in self.layers:
                x = layer(x, mask)
            last = self.final_layer_norm(x)
            # CLIP pools at the end-of-text token: the largest id in each row
            pooled = last[torch.arange(last.shape[0]), ids.argmax(dim=-1)]
            return last, pooled

    return TinyClipTextModel


def build_modules(diffusers):
    """The torch modules every variant exports: (text_encoder, unet, vae), in eval mode, fp32."""
    import torch

    torch.manual_seed(SEED)
    text_encoder = text_encoder_class()(TEXT_CONFIG, len(tokenizer_vocab()))
    torch.manual_seed(SEED + 1)
    unet = diffusers.UNet2DConditionModel(**UNET_CONFIG)
    torch.manual_seed(SEED + 2)
    vae = diffusers.AutoencoderKL(**VAE_CONFIG)
    for m in (text_encoder, unet, vae):
        m.eval().requires_grad_(False)
    calibrate(unet)
    return text_encoder, unet, vae


def build_inpaint_unet(diffusers):
    """The inpainting variants' UNet: UNET_CONFIG with 9 input channels, its own seed, calibrated like the other."""
    import torch

    torch.manual_seed(SEED + 3)
    unet = diffusers.UNet2DConditionModel(**INPAINT_UNET_CONFIG)
    unet.eval().requires_grad_(False)
    calibrate(unet)
    return unet


def modules_for(name, modules, inpaint_unet):
    """The (text_encoder, unet, vae) that variant `name` exports."""
    text_encoder, unet, vae = modules
    return (text_encoder, inpaint_unet, vae) if VARIANTS[name].get("inpaint") else modules


def calibrate(unet):
    """Rescales a few UNet weights so that the images depend on what the engine must get right.

    With torch's default initialisation the cross-attention is near-uniform over the 77 tokens and the timestep
    barely matters: another prompt, another negative prompt or a float instead of a truncated int64 timestep
    (Euler's 856.29 → 856) moved no 8-bit value by more than 6 levels, so the golden tests could not see such bugs.
    With these factors (chosen by measuring on the pndm, euler and euler-a txt2img cases) "a red cat" for "a red
    circle" or "" for "blue" moves 64–82 % of the values by more than 3 levels, guidance 7.0 for 7.5 moves 3–8 %,
    the float timestep 11 %; a relative error of 1e-5 on every UNet output (several times what ONNX Runtime vs torch
    shows) still moves none by more than 1 level.
    """
    import torch

    with torch.no_grad():
        for name, module in unet.named_modules():
            if name.endswith("attn2"):  # cross-attention: sharper over the tokens, larger in the residual
                module.to_q.weight.mul_(4)
                module.to_k.weight.mul_(4)
                module.to_out[0].weight.mul_(4)
            if name.endswith("time_emb_proj"):
                module.weight.mul_(6)
                module.bias.mul_(6)
        # cos(t) and sin(t), the highest frequency of the sinusoidal embedding (flip_sin_to_cos: cos first)
        half = unet.time_embedding.linear_1.in_features // 2
        unet.time_embedding.linear_1.weight[:, [0, half]] *= 8


# ----------------------------------------------------------------------------------------------------------------
# ONNX export, in the IO layout of diffusers' convert_stable_diffusion_checkpoint_to_onnx.py

def graph_modules():
    """nn.Module wrappers that give each exported graph diffusers' inputs and outputs."""
    from torch import nn

    class UNetGraph(nn.Module):
        def __init__(self, unet):
            super().__init__()
            self.unet = unet

        def forward(self, sample, timestep, encoder_hidden_states):
            return self.unet(sample, timestep, encoder_hidden_states, return_dict=False)[0]

    class VaeEncoderGraph(nn.Module):
        """diffusers' exporter samples the posterior inside the graph (a RandomNormalLike, unseeded); the fixture
        outputs its mean instead so that the graph is deterministic. optimum outputs the posterior's parameters."""

        def __init__(self, vae, output):
            super().__init__()
            self.vae, self.output = vae, output

        def forward(self, sample):
            dist = self.vae.encode(sample).latent_dist
            return dist.parameters if self.output == "latent_parameters" else dist.mean

    class VaeDecoderGraph(nn.Module):
        def __init__(self, vae):
            super().__init__()
            self.vae = vae

        def forward(self, latent_sample):
            return self.vae.decode(latent_sample).sample

    return UNetGraph, VaeEncoderGraph, VaeDecoderGraph


def export_graph(module, args, path, inputs, outputs, dynamic_axes, fp16=False, external=False):
    """`outputs` maps each output name to its shape: a name for a dynamic axis, a number for a fixed one.

    torch.onnx.export at OPSET; fp16 graphs are traced in float64 and every float64 tensor becomes float16, so
    that what torch computes in float32 whatever the model's dtype (the sinusoidal timestep embedding, the VAE's
    upcast softmax) stays float32 with Casts around it, as in a torch.float16 export."""
    import io

    import onnx
    import torch

    if fp16:
        module = copy.deepcopy(module).double()
        args = tuple(a.double() if a.is_floating_point() else a for a in args)
    buffer = io.BytesIO()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about diffusers' shape checks, which hold for SD shapes
        torch.onnx.export(module, args, buffer, input_names=inputs, output_names=list(outputs),
                          dynamic_axes=dynamic_axes, opset_version=OPSET, do_constant_folding=True)
    model = onnx.load_from_string(buffer.getvalue())
    for value in model.graph.output:  # torch leaves axes it could not infer as made-up names
        for dim, want in zip(value.type.tensor_type.shape.dim, outputs[value.name]):
            if isinstance(want, int):
                dim.dim_value = want
            else:
                dim.dim_param = want
    if fp16:
        double_to_half(model.graph)
    compact_names(model.graph)
    onnx.checker.check_model(model)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if external:
        onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True, location="weights.pb",
                        size_threshold=1024)
    else:
        onnx.save_model(model, path)


def compact_names(graph):
    """Short node and intermediate tensor names (torch's scoped ones are two thirds of a tiny graph's bytes);
    graph inputs, outputs and initializers keep theirs."""
    keep = {v.name for v in list(graph.input) + list(graph.output)} | {t.name for t in graph.initializer}
    renamed = {}
    for i, node in enumerate(graph.node):
        node.name = f"{node.op_type}_{i}"
        for names in (node.input, node.output):
            for k, name in enumerate(names):
                if name and name not in keep:
                    names[k] = renamed.setdefault(name, f"t{len(renamed)}")
    for value in graph.value_info:
        value.name = renamed.get(value.name, value.name)


def double_to_half(graph):
    import numpy as np
    from onnx import TensorProto, numpy_helper

    double, half = TensorProto.DOUBLE, TensorProto.FLOAT16

    def convert(tensor):
        if tensor.data_type == double:
            tensor.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(tensor).astype(np.float16), tensor.name))

    for value in list(graph.input) + list(graph.output) + list(graph.value_info):
        if value.type.tensor_type.elem_type == double:
            value.type.tensor_type.elem_type = half
    for tensor in graph.initializer:
        convert(tensor)
    for node in graph.node:
        for attr in node.attribute:
            if attr.type == attr.TENSOR:
                convert(attr.t)
            elif attr.type == attr.INT and attr.name in ("to", "dtype") and attr.i == double:
                attr.i = half
            elif attr.type in (attr.GRAPH, attr.GRAPHS):
                raise NotImplementedError(f"subgraph in {node.op_type}")


def export_variant(folder, name, modules):
    """Writes one complete model folder for VARIANTS[name]."""
    v = VARIANTS[name]
    export_model(folder, modules, v, SIZE, tokenizer_vocab(), load_tokenizer(v["pad"]).encode("a red circle"))
    write_tokenizer(os.path.join(folder, "tokenizer"), v["pad"])


def export_model(folder, modules, v, size, vocab, sample_ids):
    """The four graphs and every config of a diffusers ONNX model folder (the tokenizer files aside).
    `v` is a VARIANTS-style dict; `size` the native image size; `vocab` the tokenizer's token → id map."""
    import torch

    text_encoder, unet, vae = modules
    UNetGraph, VaeEncoderGraph, VaeDecoderGraph = graph_modules()
    fp16 = v["fp16"]
    hidden, latent = text_encoder.config["hidden_size"], size // 8
    # An inpainting UNet takes 9 channels and predicts 4; the VAE's latents have 4 either way.
    unet_in, unet_out, channels = unet.config.in_channels, unet.config.out_channels, vae.config.latent_channels
    g = torch.Generator().manual_seed(0)
    ids = torch.tensor([sample_ids] * 2, dtype=torch.int32)
    export_graph(text_encoder, (ids,), os.path.join(folder, "text_encoder", "model.onnx"), ["input_ids"],
                 {"last_hidden_state": ["batch", "sequence", hidden], "pooler_output": ["batch", hidden]},
                 {"input_ids": {0: "batch", 1: "sequence"}, "last_hidden_state": {0: "batch", 1: "sequence"},
                  "pooler_output": {0: "batch"}}, fp16=fp16)
    if v["timestep"] == "int64":  # [1], as in the CompVis/stable-diffusion-v1-4 "onnx" exports
        timestep, timestep_axes = torch.tensor([981], dtype=torch.int64), {}
    else:  # [batch] float, as diffusers' converter declares it
        timestep, timestep_axes = torch.tensor([981.0, 981.0]), {"timestep": {0: "batch"}}
    export_graph(UNetGraph(unet),
                 (torch.randn(2, unet_in, latent, latent, generator=g), timestep,
                  torch.randn(2, MAX_LENGTH, hidden, generator=g)),
                 os.path.join(folder, "unet", "model.onnx"), ["sample", "timestep", "encoder_hidden_states"],
                 {"out_sample": ["batch", unet_out, "height", "width"]},
                 {"sample": {0: "batch", 1: "channels", 2: "height", 3: "width"},
                  "encoder_hidden_states": {0: "batch", 1: "sequence"},
                  "out_sample": {0: "batch", 2: "height", 3: "width"}, **timestep_axes},
                 fp16=fp16, external=v["external"])
    image_axes = {0: "batch", 1: "channels", 2: "height", 3: "width"}
    moments = 2 * channels if v["encoder"] == "latent_parameters" else channels
    export_graph(VaeEncoderGraph(vae, v["encoder"]), (torch.randn(1, 3, size, size, generator=g),),
                 os.path.join(folder, "vae_encoder", "model.onnx"), ["sample"],
                 {v["encoder"]: ["batch", moments, "height_latent", "width_latent"]},
                 {"sample": image_axes, v["encoder"]: {0: "batch", 2: "height_latent", 3: "width_latent"}},
                 fp16=fp16)
    export_graph(VaeDecoderGraph(vae), (torch.randn(1, channels, latent, latent, generator=g),),
                 os.path.join(folder, "vae_decoder", "model.onnx"), ["latent_sample"],
                 {"sample": ["batch", 3, "height_image", "width_image"]},
                 {"latent_sample": image_axes, "sample": {0: "batch", 2: "height_image", 3: "width_image"}},
                 fp16=fp16)
    write_configs(folder, v, modules, vocab)


def write_configs(folder, v, modules, vocab):
    text_encoder, unet, vae = modules
    os.makedirs(os.path.join(folder, "scheduler"), exist_ok=True)
    write_json(os.path.join(folder, "scheduler", "scheduler_config.json"), v["scheduler"])
    onnx_component = ["diffusers", "OnnxRuntimeModel"]
    inpaint = "Inpaint" if v.get("inpaint") else ""
    if v["encoder"] == "latent_parameters":  # optimum keeps the torch pipeline's index
        index = {"_class_name": f"StableDiffusion{inpaint}Pipeline", "_diffusers_version": "0.40.0",
                 "feature_extractor": [None, None], "image_encoder": [None, None], "requires_safety_checker": False,
                 "safety_checker": [None, None], "scheduler": ["diffusers", v["scheduler"]["_class_name"]],
                 "text_encoder": ["transformers", "CLIPTextModel"], "tokenizer": ["transformers", "CLIPTokenizer"],
                 "unet": ["diffusers", "UNet2DConditionModel"], "vae": ["diffusers", "AutoencoderKL"]}
    else:
        index = {"_class_name": f"OnnxStableDiffusion{inpaint}Pipeline", "_diffusers_version": "0.40.0",
                 "feature_extractor": [None, None], "requires_safety_checker": False, "safety_checker": [None, None],
                 "scheduler": ["diffusers", v["scheduler"]["_class_name"]], "text_encoder": onnx_component,
                 "tokenizer": ["transformers", "CLIPTokenizer"], "unet": onnx_component,
                 "vae_decoder": onnx_component, "vae_encoder": onnx_component}
    write_json(os.path.join(folder, "model_index.json"), index)
    write_json(os.path.join(folder, "text_encoder", "config.json"), {
        "architectures": ["CLIPTextModel"], "model_type": "clip_text_model", **text_encoder.config,
        "vocab_size": len(vocab), "bos_token_id": vocab[BOS], "eos_token_id": vocab[EOS],
        "pad_token_id": vocab[v["pad"]], "torch_dtype": "float16" if v["fp16"] else "float32",
    })
    unet_config = {k: v_ for k, v_ in dict(unet.config).items() if not k.startswith("_")}
    write_json(os.path.join(folder, "unet", "config.json"),
               {"_class_name": "UNet2DConditionModel", "_diffusers_version": "0.40.0", **unet_config})
    vae_config = {"_class_name": "AutoencoderKL", "_diffusers_version": "0.40.0",
                  **{k: v_ for k, v_ in dict(vae.config).items() if not k.startswith("_")}}
    for part in ("vae_encoder", "vae_decoder"):
        write_json(os.path.join(folder, part, "config.json"), vae_config)


# ----------------------------------------------------------------------------------------------------------------
# Verification: every graph in onnxruntime-node against the torch module it came from

ORT_RUNNER = r"""
const fs = require('fs');
const path = require('path');
const ort = require('module').createRequire(path.join(process.cwd(), 'x.js'))('onnxruntime-node');
const arrays = { float32: Float32Array, float16: Uint16Array, int32: Int32Array, int64: BigInt64Array };
(async () => {
  const dir = process.argv[2];
  const jobs = JSON.parse(fs.readFileSync(path.join(dir, 'jobs.json'), 'utf8'));
  const sessions = {};
  for (const [k, job] of jobs.entries()) {
    sessions[job.file] ??= await ort.InferenceSession.create(job.file);
    const session = sessions[job.file];
    const feeds = {};
    for (const [name, spec] of Object.entries(job.inputs)) {
      const bytes = fs.readFileSync(path.join(dir, spec.file));
      const data = new arrays[spec.type](bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      feeds[name] = new ort.Tensor(spec.type, data, spec.dims);
    }
    const results = await session.run(feeds);
    job.outputs = {};
    for (const [name, tensor] of Object.entries(results)) {
      const file = `out-${k}-${name}.bin`;
      const { buffer, byteOffset, byteLength } = tensor.data;
      fs.writeFileSync(path.join(dir, file), Buffer.from(buffer, byteOffset, byteLength));
      job.outputs[name] = { type: tensor.type, dims: tensor.dims, file };
    }
  }
  fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(jobs));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def verify(root, modules):
    """Runs each variant's graphs in onnxruntime-node (from the repository's node_modules) on fixed inputs, at the
    native size and at 48×80, and returns the largest |ONNX − torch| per graph and output."""
    import numpy as np
    import torch

    text_encoder, unet, vae = modules[:3]
    inpaint_unet = modules[3] if len(modules) > 3 else None
    UNetGraph, VaeEncoderGraph, VaeDecoderGraph = graph_modules()
    g = torch.Generator().manual_seed(1)
    jobs, expected = [], []
    with tempfile.TemporaryDirectory() as work:
        def add(variant, graph, inputs, torch_outputs):
            v = VARIANTS[variant]
            job = {"variant": variant, "graph": graph, "file": os.path.abspath(os.path.join(root, variant, graph,
                                                                                          "model.onnx")),
                   "inputs": {}}
            for name, value in inputs.items():
                array = value.numpy()
                if array.dtype == np.float32 and v["fp16"]:
                    array = array.astype(np.float16)
                kind = str(array.dtype)  # float32, float16, int32 or int64: onnxruntime-node's names too
                file = f"in-{len(jobs)}-{name}.bin"
                array.tofile(os.path.join(work, file))
                job["inputs"][name] = {"type": kind, "dims": list(array.shape), "file": file}
            jobs.append(job)
            expected.append({k: t.numpy() for k, t in torch_outputs.items()})

        tok = {pad: load_tokenizer(pad) for pad in (EOS, "!")}
        for variant, v in VARIANTS.items():
            ids = torch.tensor([tok[v["pad"]].encode(p) for p in ("a red circle", "blue")], dtype=torch.int32)
            last, pooled = text_encoder(ids)
            add(variant, "text_encoder", {"input_ids": ids}, {"last_hidden_state": last, "pooler_output": pooled})
            for h, w in ((SIZE, SIZE), (48, 80)):
                variant_unet = inpaint_unet if v.get("inpaint") else unet
                sample = torch.randn(2, variant_unet.config.in_channels, h // 8, w // 8, generator=g)
                context = torch.randn(2, MAX_LENGTH, TEXT_CONFIG["hidden_size"], generator=g)
                if v["timestep"] == "int64":
                    t = torch.tensor([757], dtype=torch.int64)
                else:
                    t = torch.tensor([757.25, 757.25])
                add(variant, "unet", {"sample": sample, "timestep": t, "encoder_hidden_states": context},
                    {"out_sample": UNetGraph(variant_unet)(sample, t, context)})
                image = torch.rand(1, 3, h, w, generator=g) * 2 - 1
                add(variant, "vae_encoder", {"sample": image},
                    {v["encoder"]: VaeEncoderGraph(vae, v["encoder"])(image)})
                latents = torch.randn(1, 4, h // 8, w // 8, generator=g) / VAE_CONFIG["scaling_factor"]
                add(variant, "vae_decoder", {"latent_sample": latents}, {"sample": VaeDecoderGraph(vae)(latents)})
        write_json(os.path.join(work, "jobs.json"), jobs)
        with open(os.path.join(work, "run.js"), "w") as f:
            f.write(ORT_RUNNER)
        subprocess.run(["node", os.path.join(work, "run.js"), work], check=True)
        with open(os.path.join(work, "results.json")) as f:
            results = json.load(f)
        report = {}
        for job, want in zip(results, expected):
            for name, out in job["outputs"].items():
                dtype = {"float32": np.float32, "float16": np.float16}[out["type"]]
                got = np.fromfile(os.path.join(work, out["file"]), dtype=dtype).reshape(out["dims"])
                got = got.astype(np.float64)
                diff = float(np.abs(got - want[name].astype(np.float64)).max())
                key = f'{job["variant"]}/{job["graph"]}:{name}'
                report[key] = max(report.get(key, 0.0), diff)
                scale = float(np.abs(want[name]).max())
                report[key + " (max |torch|)"] = max(report.get(key + " (max |torch|)", 0.0), scale)
        return report


def write_json(path, value, compact=False):
    """Indented JSON with every list of numbers or strings on one line; or all on one line."""
    import re

    if compact:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    else:
        text = json.dumps(value, ensure_ascii=False, indent=2)
        scalar = r'(?:-?[0-9.eE+-]+|"(?:[^"\\\n]|\\.)*"|null|true|false)'  # JSON strings hold no raw newline
        text = re.sub(r"\[\n\s*(" + scalar + r"(?:,\n\s*" + scalar + r")*)\n\s*\]",
                      lambda m: "[" + re.sub(r",\n\s*", ", ", m.group(1)) + "]", text)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n")


def main(argv):
    import shutil

    args = [a for a in argv if not a.startswith("--")]
    root = args[0] if args else "src-main/engine/test-fixtures/models"
    diffusers = diffusers_env()
    import torch

    modules = build_modules(diffusers)
    inpaint_unet = build_inpaint_unet(diffusers)
    for name in VARIANTS:
        folder = os.path.join(root, name)
        shutil.rmtree(folder, ignore_errors=True)
        export_variant(folder, name, modules_for(name, modules, inpaint_unet))
        files = sorted(os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs)
        digest = hashlib.sha256(b"".join(open(f, "rb").read() for f in files)).hexdigest()[:12]
        print(f"{name:18s} {sum(os.path.getsize(f) for f in files):9d} bytes  sha256(files) {digest}")
    if "--verify" in argv:
        with torch.no_grad():
            report = verify(root, (*modules, inpaint_unet))
        print("max |onnxruntime-node − torch| over native size and 48×80 (max |torch| alongside):")
        for key, diff in report.items():
            if not key.endswith("(max |torch|)"):
                print(f"  {key:48s} {diff:.3g}  ({report[key + ' (max |torch|)']:.3g})")


if __name__ == "__main__":
    main(sys.argv[1:])
