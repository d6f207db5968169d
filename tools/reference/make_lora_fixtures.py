#!/usr/bin/python3
"""LoRA fixtures for the tiny fixture model, and what diffusers' own LoRA loading makes of them.

Needs what make_fixture_models.py needs (a diffusers v0.40.0 src tree, Debian's python3-torch, -numpy, -onnx, -pil,
-regex) and PEFT's source (v0.17.0, diffusers' minimum; not installed, only put on sys.path):
    git --git-dir=<peft git dir> archive v0.17.0 src | tar -x -C /tmp/peft
    DIFFUSERS_SRC=/tmp/diffusers/src PEFT_SRC=/tmp/peft/src /usr/bin/python3 tools/reference/make_lora_fixtures.py \
        src-main/engine/lora/fixtures

Writes two LoRA files with random weights under fixed seeds:
  tiny-kohya.safetensors  kohya/A1111 naming (lora_unet_…​.lora_down/.lora_up/.alpha), float16: every attention
                          projection, the feed-forwards, proj_in (a 1×1 conv) and resnets' conv1 (3×3 convs)
  tiny-peft.safetensors   diffusers/PEFT naming (unet.….lora_A/lora_B, text_encoder.….lora_A/lora_B), bfloat16, with
                          diffusers' `lora_adapter_metadata` (lora_alpha per component)
and golden images: diffusers' StableDiffusionPipeline (as pipeline_references.py runs it) after
`pipe.load_lora_weights(file)` + `pipe.fuse_lora(lora_scale=strength)` on the UNet; the text encoder is the fixture's
own torch module (transformers is absent), so its half goes through diffusers' `load_lora_into_text_encoder` and
PEFT's merge with the same scale, which is what `fuse_lora` does to a transformers text encoder.
"""
import copy
import json
import os
import struct
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_fixture_models as fixture  # noqa: E402

SCRIPT = "tools/reference/make_lora_fixtures.py"
SEED = 20261204
RANK = 4
STRENGTHS = (0.5, 1.0)
PROMPT, NEGATIVE = "a red circle", "blue"
KOHYA_ALPHA = 2.0  # scale alpha / rank = 0.5
PEFT_ALPHA = {"unet": 8, "text_encoder": 2}  # scales 2 and 0.5


# ----------------------------------------------------------------------------------------------------------------
# safetensors without the safetensors package: u64 header length, JSON header, raw little-endian tensors.

def write_safetensors(path, tensors, metadata, dtype):
    import numpy as np
    import torch

    header, chunks, offset = {}, [], 0
    for name, tensor in tensors.items():
        t = tensor.detach().to(torch.float32).contiguous()
        if dtype == "F16":
            data = t.numpy().astype(np.float16).tobytes()
        elif dtype == "BF16":
            data = t.to(torch.bfloat16).view(torch.int16).numpy().tobytes()
        else:
            data = t.numpy().astype(np.float32).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def read_safetensors(path):
    import numpy as np
    import torch

    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, e in header.items():
        begin, end = e["data_offsets"]
        data = raw[8 + n + begin:8 + n + end]
        if e["dtype"] == "F16":
            array = np.frombuffer(data, dtype=np.float16).astype(np.float32)
        elif e["dtype"] == "BF16":
            array = (np.frombuffer(data, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)
        else:
            array = np.frombuffer(data, dtype=np.float32)
        tensors[name] = torch.from_numpy(array.copy()).reshape(e["shape"])
    return tensors, metadata


def install_safetensors_reader():
    """diffusers reads LoRA files through safetensors.torch (stubbed here): this file's reader stands in."""
    import safetensors
    import safetensors.torch

    class SafeOpen:
        def __init__(self, path, framework="pt", device="cpu"):
            self.tensors, self.meta = read_safetensors(path)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def metadata(self):
            return dict(self.meta)

        def keys(self):
            return list(self.tensors)

        def get_tensor(self, name):
            return self.tensors[name]

    safetensors.torch.load_file = lambda path, device="cpu": read_safetensors(path)[0]
    safetensors.torch.safe_open = SafeOpen
    safetensors.safe_open = SafeOpen
    safetensors.SafetensorError = type("SafetensorError", (Exception,), {})


# ----------------------------------------------------------------------------------------------------------------
# Which modules the LoRAs change, and their random weights.

def unet_targets(unet):
    """(diffusers module name, module) for attention projections, feed-forwards, proj_in and resnets' conv1."""
    from torch import nn

    picked = []
    for name, module in unet.named_modules():
        leaf = name.split(".")[-1]
        if isinstance(module, nn.Linear) and ".transformer_blocks." in name and (
                leaf in ("to_q", "to_k", "to_v", "0", "proj", "2")):
            picked.append((name, module))
        elif isinstance(module, nn.Conv2d) and (name.endswith("attentions.0.proj_in") or
                                                (".resnets.0.conv1" in name and "up_blocks" not in name)):
            picked.append((name, module))
    return picked


def text_targets(text_encoder):
    from torch import nn

    return [(n, m) for n, m in text_encoder.named_modules() if isinstance(m, nn.Linear)]


def lora_pair(module, generator, magnitude):
    """down [rank, in(, kh, kw)], up [out, rank(, 1, 1)], sized so that up·down is a visible fraction of W."""
    import torch
    from torch import nn

    if isinstance(module, nn.Conv2d):
        out_ch, in_ch, kh, kw = module.weight.shape
        down = torch.randn(RANK, in_ch, kh, kw, generator=generator) / (in_ch * kh * kw) ** 0.5
        up = torch.randn(out_ch, RANK, 1, 1, generator=generator) * magnitude
    else:
        out_f, in_f = module.weight.shape
        down = torch.randn(RANK, in_f, generator=generator) / in_f ** 0.5
        up = torch.randn(out_f, RANK, generator=generator) * magnitude
    return down, up


def make_files(out_dir, unet, text_encoder):
    import torch

    g = torch.Generator().manual_seed(SEED)
    kohya = {}
    for name, module in unet_targets(unet):
        down, up = lora_pair(module, g, 0.35)
        key = "lora_unet_" + name.replace(".", "_")
        kohya[f"{key}.lora_down.weight"], kohya[f"{key}.lora_up.weight"] = down, up
        kohya[f"{key}.alpha"] = torch.tensor(KOHYA_ALPHA)
    write_safetensors(os.path.join(out_dir, "tiny-kohya.safetensors"), kohya,
                      {"ss_network_module": "networks.lora", "ss_network_dim": str(RANK),
                       "ss_network_alpha": str(KOHYA_ALPHA), "ss_base_model_version": "sd_v1",
                       "ss_output_name": "tiny-kohya",
                       "ss_tag_frequency": json.dumps({"10_circles": {"red circle": 12, "tiny": 3}})}, "F16")

    peft = {}
    for name, module in unet_targets(unet)[::2]:
        down, up = lora_pair(module, g, 0.15)
        peft[f"unet.{name}.lora_A.weight"], peft[f"unet.{name}.lora_B.weight"] = down, up
    for name, module in text_targets(text_encoder):
        down, up = lora_pair(module, g, 0.6)
        peft[f"text_encoder.{name}.lora_A.weight"], peft[f"text_encoder.{name}.lora_B.weight"] = down, up
    targets = {"unet": [n for n, _ in unet_targets(unet)[::2]], "text_encoder": [n for n, _ in text_targets(text_encoder)]}
    adapter = {f"{component}.{k}": v for component, alpha in PEFT_ALPHA.items()
               for k, v in {"r": RANK, "lora_alpha": alpha, "target_modules": sorted(targets[component])}.items()}
    write_safetensors(os.path.join(out_dir, "tiny-peft.safetensors"), peft,
                      {"format": "pt", "lora_adapter_metadata": json.dumps(adapter, indent=2, sort_keys=True)},
                      "BF16")


# ----------------------------------------------------------------------------------------------------------------
# diffusers with PEFT from source: both need a distribution record to be "available", which a source tree lacks.

def lora_env():
    src = os.environ.get("PEFT_SRC")
    if not src:
        sys.exit("set PEFT_SRC to a PEFT v0.17.0 checkout's src directory")
    records = os.path.join(os.path.dirname(os.path.abspath(src)), "dist-records")
    for name, version in (("peft", "0.17.0"), ("transformers", "4.57.0")):
        folder = os.path.join(records, f"{name}-{version}.dist-info")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "METADATA"), "w") as f:
            f.write(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    sys.path[:0] = [src, records]
    fixture.diffusers_stubs.install_stubs({"accelerate", "huggingface_hub"})  # PEFT imports them; unused here
    import huggingface_hub
    import huggingface_hub.utils

    # lora_state_dict is wrapped in this decorator: it must hand the function back, not an inert stub.
    huggingface_hub.validate_hf_hub_args = huggingface_hub.utils.validate_hf_hub_args = lambda fn: fn
    diffusers = fixture.diffusers_env()
    install_safetensors_reader()
    return diffusers


def pipeline(diffusers, unet, vae):
    import importlib

    sd = importlib.import_module("diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion")
    variant = fixture.VARIANTS["tiny-sd"]
    scheduler = diffusers.PNDMScheduler.from_config(dict(variant["scheduler"]))
    pipe = sd.StableDiffusionPipeline(vae=vae, text_encoder=None, tokenizer=None, unet=unet, scheduler=scheduler,
                                      safety_checker=None, feature_extractor=None, image_encoder=None,
                                      requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def with_int64_timestep(unet):
    """The fixture graph takes the timestep as int64 [1]: the torch UNet sees it truncated, as the ONNX one does."""
    import torch

    original = type(unet).forward

    def forward(module, sample, timestep, *args, **kwargs):
        return original(module, sample, torch.as_tensor(timestep).to(torch.int64), *args, **kwargs)

    unet.forward = types.MethodType(forward, unet)
    return unet


def transformers_like(text_encoder):
    """What diffusers calls on a transformers text encoder, for the fixture's plain torch one: `load_adapter` as
    transformers' PEFT integration implements it (PEFT's inject_adapter_in_model + set_peft_model_state_dict), and
    the `device` / `dtype` properties."""
    from peft import inject_adapter_in_model, set_peft_model_state_dict

    class WithAdapters(type(text_encoder)):
        device = property(lambda self: next(self.parameters()).device)
        dtype = property(lambda self: next(self.parameters()).dtype)

        def load_adapter(self, adapter_name, adapter_state_dict, peft_config, **kwargs):
            inject_adapter_in_model(peft_config, self, adapter_name)
            result = set_peft_model_state_dict(self, adapter_state_dict, adapter_name)
            unexpected = [k for k in result.unexpected_keys if "lora_" in k]
            if unexpected:
                raise RuntimeError(f"text encoder LoRA keys not loaded: {unexpected}")

    text_encoder.__class__ = WithAdapters
    return text_encoder


def golden(diffusers, base, path, strength, seed):
    import numpy as np
    import torch

    text_encoder, unet, vae = (copy.deepcopy(m) for m in base)
    from diffusers.loaders.lora_base import fuse_text_encoder_lora

    pipe = pipeline(diffusers, with_int64_timestep(unet), vae)
    pipe.text_encoder = transformers_like(text_encoder)  # present while loading, so that load_lora_weights loads its half too
    # low_cpu_mem_usage=False: its path needs load_state_dict(assign=True), which torch 1.13 lacks.
    pipe.load_lora_weights(path, adapter_name="fixture", low_cpu_mem_usage=False)
    pipe.fuse_lora(lora_scale=strength, adapter_names=["fixture"])
    # fuse_lora fuses a transformers text encoder with this function; the fixture's is a plain torch module.
    fuse_text_encoder_lora(text_encoder, lora_scale=strength, adapter_names=["fixture"])
    pipe.text_encoder = None  # the prompts go in as embeddings, as in pipeline_references.py
    tokenizer = fixture.load_tokenizer(fixture.EOS)
    embed = lambda text: text_encoder(torch.tensor([tokenizer.encode(text)], dtype=torch.int32))[0]  # noqa: E731
    with torch.no_grad():
        images = pipe(prompt_embeds=embed(PROMPT), negative_prompt_embeds=embed(NEGATIVE), num_inference_steps=8,
                      guidance_scale=7.5, height=fixture.SIZE, width=fixture.SIZE, output_type="np",
                      generator=torch.Generator("cpu").manual_seed(seed), return_dict=False)[0]
    layers = {"unetLoraLayers": count_lora_layers(unet), "textEncoderLoraLayers": count_lora_layers(text_encoder)}
    return (images[0] * 255).round().astype(np.uint8), layers


def golden_combined(diffusers, base, loras, seed):
    """Several LoRAs at once, as diffusers combines them: set_adapters(names, weights), then fuse_lora."""
    import numpy as np
    import torch
    from diffusers.loaders.lora_base import fuse_text_encoder_lora, set_adapters_for_text_encoder

    text_encoder, unet, vae = (copy.deepcopy(m) for m in base)
    pipe = pipeline(diffusers, with_int64_timestep(unet), vae)
    pipe.text_encoder = transformers_like(text_encoder)
    names = []
    for path, name, _ in loras:
        pipe.load_lora_weights(path, adapter_name=name, low_cpu_mem_usage=False)
        names.append(name)
    pipe.set_adapters(names, adapter_weights=[w for _, _, w in loras])
    pipe.fuse_lora(adapter_names=names)
    # The text encoder (a plain torch module here) gets what set_adapters and fuse_lora give a transformers one.
    text_names = [n for n in names if any(n in m.scaling for m in lora_layers(text_encoder))]
    set_adapters_for_text_encoder(text_names, text_encoder, [w for _, n, w in loras if n in text_names])
    fuse_text_encoder_lora(text_encoder, adapter_names=text_names)
    pipe.text_encoder = None
    tokenizer = fixture.load_tokenizer(fixture.EOS)
    embed = lambda text: text_encoder(torch.tensor([tokenizer.encode(text)], dtype=torch.int32))[0]  # noqa: E731
    with torch.no_grad():
        images = pipe(prompt_embeds=embed(PROMPT), negative_prompt_embeds=embed(NEGATIVE), num_inference_steps=8,
                      guidance_scale=7.5, height=fixture.SIZE, width=fixture.SIZE, output_type="np",
                      generator=torch.Generator("cpu").manual_seed(seed), return_dict=False)[0]
    layers = {"unetLoraLayers": count_lora_layers(unet), "textEncoderLoraLayers": count_lora_layers(text_encoder)}
    return (images[0] * 255).round().astype(np.uint8), layers


def lora_layers(model):
    from peft.tuners.tuners_utils import BaseTunerLayer

    return [m for m in model.modules() if isinstance(m, BaseTunerLayer)]


def count_lora_layers(model):
    from peft.tuners.tuners_utils import BaseTunerLayer

    return sum(1 for m in model.modules() if isinstance(m, BaseTunerLayer) and m.merged)


def main(out_dir):
    diffusers = lora_env()
    import numpy as np
    import PIL.Image
    import torch

    os.makedirs(out_dir, exist_ok=True)
    base = fixture.build_modules(diffusers)
    make_files(out_dir, base[1], base[0])
    cases = []
    for k, (file, strength) in enumerate((f, s) for f in ("tiny-kohya", "tiny-peft") for s in STRENGTHS):
        seed = 500 + k
        pixels, record = golden(diffusers, base, os.path.join(out_dir, f"{file}.safetensors"), strength, seed)
        name = f"{file}-{strength:g}.png"
        PIL.Image.fromarray(pixels).save(os.path.join(out_dir, name))
        cases.append(dict(id=f"{file}-{strength:g}", lora=f"{file}.safetensors", strength=strength, seed=seed,
                          prompt=PROMPT, negative=NEGATIVE, steps=8, guidance=7.5, scheduler="pndm",
                          width=fixture.SIZE, height=fixture.SIZE, model="tiny-sd", image=name, **record))
        print(cases[-1])
    # Both at once, each at its own strength.
    combined = [("tiny-kohya", 0.7), ("tiny-peft", 0.4)]
    pixels, record = golden_combined(
        diffusers, base, [(os.path.join(out_dir, f"{f}.safetensors"), f, w) for f, w in combined], 510)
    PIL.Image.fromarray(pixels).save(os.path.join(out_dir, "combined.png"))
    cases.append(dict(id="combined", loras=[{"lora": f"{f}.safetensors", "strength": w} for f, w in combined],
                      seed=510, prompt=PROMPT, negative=NEGATIVE, steps=8, guidance=7.5, scheduler="pndm",
                      width=fixture.SIZE, height=fixture.SIZE, model="tiny-sd", image="combined.png", **record))
    print(cases[-1])
    fixture.write_json(os.path.join(out_dir, "references.json"), {
        "generatedBy": {"script": SCRIPT, "diffusers": diffusers.__version__, "peft": "0.17.0 (source)",
                        "torch": torch.__version__, "numpy": np.__version__,
                        "how": "StableDiffusionPipeline.load_lora_weights(file) + fuse_lora(lora_scale=strength) "
                               "on the fixture UNet; the fixture text encoder through load_lora_into_text_encoder + "
                               "PEFT's scale_layer(strength) + merge; prompt embeddings from that text encoder; "
                               "images round(x·255)"},
        "tolerance": "every 8-bit channel within 3 levels",
        "cases": cases,
    })


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src-main/engine/lora/fixtures")
