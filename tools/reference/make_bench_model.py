#!/usr/bin/python3
"""A random-weight model with SD 1.5's structure at reduced width, for timing the engine (never committed).

Same graphs as SD 1.5 in diffusers' ONNX layout: the UNet has SD 1.5's blocks (3 cross-attention down blocks and a
plain one, 2 resnets each, 8 heads, the mirrored up path), the VAE its 4 levels of 2 resnets, the text encoder
12 CLIP layers; only the widths shrink (UNet 64-128-256-256 instead of 320-640-1280-1280, text 256 instead of
768, VAE 32-64-128-128 instead of 128-256-512-512), so every op runs at SD's 512×512 shapes with about a tenth of
the arithmetic. Images are noise: this is for speed, not pictures.

    DIFFUSERS_SRC=/tmp/diffusers/src /usr/bin/python3 tools/reference/make_bench_model.py [DIR] [--fp16]
        [--tokenizer CLIP_TOKENIZER_DIR]
    DIFFUSERS_SRC=/tmp/diffusers/src /usr/bin/python3 tools/reference/make_bench_model.py --full-width [DIR]

DIR defaults to .bench-models/sd15-shaped.

--full-width builds SD 1.5 at its real widths instead (diffusers' UNet config: 320-640-1280-1280, cross-attention
768, 8 heads; CLIP ViT-L/14's text encoder, 768 wide, 12 heads; the VAE at 128-256-512-512): 860 M UNet parameters,
about 4.1 GiB of fp32 graphs with external weights (one file per tensor), for timing GPU providers at SD's true cost. DIR then defaults
to .bench-models/sd15-full. Exporting it takes several minutes and over 8 GiB of memory; fp32 only. With --tokenizer (a folder with CLIP's vocab.json and merges.txt, such
as ../shared/data/clip-tokenizer) the model gets CLIP's real 49408-token vocabulary, so any prompt works as with
SD 1.5; without it, the fixture's tiny byte-level vocabulary (prompts fall back to bytes).
"""
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_fixture_models as fixture  # noqa: E402

SIZE = 512
SEED = 1234
UNET_CONFIG = {
    "sample_size": SIZE // 8, "in_channels": 4, "out_channels": 4,
    "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
    "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
    "block_out_channels": [64, 128, 256, 256], "layers_per_block": 2, "norm_num_groups": 32,
    "cross_attention_dim": 256, "attention_head_dim": 8,
}
VAE_CONFIG = {
    "in_channels": 3, "out_channels": 3, "latent_channels": 4, "sample_size": SIZE,
    "down_block_types": ["DownEncoderBlock2D"] * 4, "up_block_types": ["UpDecoderBlock2D"] * 4,
    "block_out_channels": [32, 64, 128, 128], "layers_per_block": 2, "norm_num_groups": 32,
    "scaling_factor": 0.18215,
}
TEXT_CONFIG = {
    "hidden_size": 256, "intermediate_size": 1024, "num_hidden_layers": 12, "num_attention_heads": 4,
    "max_position_embeddings": fixture.MAX_LENGTH, "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5,
}
VARIANT = dict(fixture.VARIANTS["tiny-sd"], scheduler=fixture.SD15_SCHEDULER)

# SD 1.5's own widths (diffusers' runwayml/stable-diffusion-v1-5 unet/vae configs, CLIP ViT-L/14's text config).
FULL_UNET_CONFIG = dict(UNET_CONFIG, block_out_channels=[320, 640, 1280, 1280], cross_attention_dim=768)
FULL_VAE_CONFIG = dict(VAE_CONFIG, block_out_channels=[128, 256, 512, 512])
FULL_TEXT_CONFIG = dict(TEXT_CONFIG, hidden_size=768, intermediate_size=3072, num_attention_heads=12)


def export_graph_via_file(module, args, path, inputs, outputs, dynamic_axes, fp16=False, external=False):
    """fixture.export_graph for graphs past protobuf's 2 GiB: torch writes the graph to a file with its weights beside
    it (one file per tensor, which ONNX Runtime reads as it does one weights file); only the small graph is loaded
    again, to fix the output dimensions and shorten node names. Holding the weights in memory a second time is what
    makes SD's full UNet need more memory than most machines have."""
    import shutil
    import tempfile
    import warnings

    import onnx
    import torch

    if fp16:
        raise SystemExit("--full-width exports fp32 only")
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        raw = os.path.join(tmp, "model.onnx")
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # No constant folding: it would hold folded copies of weights in memory as well.
            torch.onnx.export(module, args, raw, input_names=inputs, output_names=list(outputs),
                              dynamic_axes=dynamic_axes, opset_version=fixture.OPSET, do_constant_folding=False)
        model = onnx.load(raw, load_external_data=False)
        for value in model.graph.output:
            for dim, want in zip(value.type.tensor_type.shape.dim, outputs[value.name]):
                if isinstance(want, int):
                    dim.dim_value = want
                else:
                    dim.dim_param = want
        fixture.compact_names(model.graph)
        onnx.save_model(model, path)
        for name in os.listdir(tmp):
            if name != "model.onnx":
                shutil.move(os.path.join(tmp, name), os.path.join(folder, name))


def main(argv):
    args, flags = [], {}
    it = iter(argv)
    for a in it:
        if a == "--tokenizer":
            flags["tokenizer"] = next(it)
        elif a.startswith("--"):
            flags[a[2:]] = True
        else:
            args.append(a)
    full = bool(flags.get("full-width"))
    out = args[0] if args else (".bench-models/sd15-full" if full else ".bench-models/sd15-shaped")
    unet_config, vae_config, text_config = (
        (FULL_UNET_CONFIG, FULL_VAE_CONFIG, FULL_TEXT_CONFIG) if full else (UNET_CONFIG, VAE_CONFIG, TEXT_CONFIG))
    if full:
        fixture.export_graph = export_graph_via_file
    diffusers = fixture.diffusers_env()
    import torch

    started = time.time()
    if "tokenizer" in flags:
        with open(os.path.join(flags["tokenizer"], "vocab.json"), encoding="utf-8") as f:
            vocab = json.load(f)
        with open(os.path.join(flags["tokenizer"], "merges.txt"), encoding="utf-8") as f:
            merges = f.read().strip().split("\n")[1 : 49152 - 256 - 2 + 1]  # as CLIPTokenizer reads it
        sample_ids = fixture.ClipTokenizer(vocab, merges, fixture.EOS).encode("a red circle")
    else:
        vocab = fixture.tokenizer_vocab()
        sample_ids = fixture.load_tokenizer(fixture.EOS).encode("a red circle")
    torch.manual_seed(SEED)
    text_encoder = fixture.text_encoder_class()(text_config, len(vocab))
    unet = diffusers.UNet2DConditionModel(**unet_config)
    vae = diffusers.AutoencoderKL(**vae_config)
    modules = tuple(m.eval().requires_grad_(False) for m in (text_encoder, unet, vae))
    params = {name: sum(p.numel() for p in m.parameters()) for name, m in zip(("text", "unet", "vae"), modules)}
    print("parameters:", ", ".join(f"{k} {v / 1e6:.1f} M" for k, v in params.items()))

    shutil.rmtree(out, ignore_errors=True)
    variant = dict(VARIANT, fp16=bool(flags.get("fp16")))
    fixture.export_model(out, modules, variant, SIZE, vocab, sample_ids)
    tokenizer_dir = os.path.join(out, "tokenizer")
    if "tokenizer" in flags:
        os.makedirs(tokenizer_dir, exist_ok=True)
        for name in ("vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"):
            if os.path.exists(os.path.join(flags["tokenizer"], name)):
                shutil.copy(os.path.join(flags["tokenizer"], name), tokenizer_dir)
    else:
        fixture.write_tokenizer(tokenizer_dir, fixture.EOS)
    elapsed = time.time() - started
    for part in ("text_encoder", "unet", "vae_encoder", "vae_decoder"):
        size = sum(os.path.getsize(os.path.join(out, part, f)) for f in os.listdir(os.path.join(out, part)))
        print(f"  {part:13s} {size / 2**20:8.1f} MiB")
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
    print(f"wrote {out}: {total / 2**20:.1f} MiB in {elapsed:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
