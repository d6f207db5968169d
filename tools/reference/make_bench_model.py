#!/usr/bin/python3
"""A random-weight model with SD 1.5's structure at reduced width, for timing the engine (never committed).

Same graphs as SD 1.5 in diffusers' ONNX layout: the UNet has SD 1.5's blocks (3 cross-attention down blocks and a
plain one, 2 resnets each, 8 heads, the mirrored up path), the VAE its 4 levels of 2 resnets, the text encoder
12 CLIP layers; only the widths shrink (UNet 64-128-256-256 instead of 320-640-1280-1280, text 256 instead of
768, VAE 32-64-128-128 instead of 128-256-512-512), so every op runs at SD's 512×512 shapes with about a tenth of
the arithmetic. Images are noise: this is for speed, not pictures.

    DIFFUSERS_SRC=/tmp/diffusers/src /usr/bin/python3 tools/reference/make_bench_model.py [DIR] [--fp16]
        [--tokenizer CLIP_TOKENIZER_DIR]

DIR defaults to .bench-models/sd15-shaped. With --tokenizer (a folder with CLIP's vocab.json and merges.txt, such
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
    out = args[0] if args else ".bench-models/sd15-shaped"
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
    text_encoder = fixture.text_encoder_class()(TEXT_CONFIG, len(vocab))
    unet = diffusers.UNet2DConditionModel(**UNET_CONFIG)
    vae = diffusers.AutoencoderKL(**VAE_CONFIG)
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
