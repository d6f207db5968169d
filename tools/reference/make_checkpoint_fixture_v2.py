#!/usr/bin/python3
"""An SD 2.x-layout tiny checkpoint for the importer's tests: what make_checkpoint_fixture.py makes for SD 1.x,
with the two things SD 2.x changes — the UNet's linear projections and per-level heads, and OpenCLIP's text encoder
(fused in_proj q/k/v, resblocks, one layer more than the pipeline uses).

    DIFFUSERS_SRC=/tmp/diffusers/src /usr/bin/python3 tools/reference/make_checkpoint_fixture_v2.py \
        src-main/models/checkpoint/fixtures

Writes
  tiny-ldm-v2.safetensors     float32, LDM names: model.diffusion_model.* (a diffusers UNet2DConditionModel with
                              use_linear_projection=True, attention_head_dim=[2, 4], seeded), first_stage_model.*
                              (tiny-sd's VAE), cond_stage_model.model.* (OpenCLIP names: tiny-sd's two text layers
                              with q/k/v fused into in_proj, a third random layer the pipeline drops, text_projection)
  tiny-ldm-v2-config/         the diffusers config folder to import it with (unet/, vae/, text_encoder/, scheduler/)
  tiny-ldm-v2-expected.json   every diffusers parameter diffusers' convert_ldm_unet_checkpoint,
                              convert_ldm_vae_checkpoint and convert_open_clip_checkpoint make of it (shape, SHA-256),
                              less the text layers past the config's num_hidden_layers (diffusers hard-codes SD 2.x's
                              resblocks.23 as the one to drop), and the torch UNet's output on fixed inputs
"""
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_checkpoint_fixture as sd1  # noqa: E402
import make_fixture_models as fixture  # noqa: E402

UNET_V2 = dict(fixture.UNET_CONFIG, use_linear_projection=True, attention_head_dim=[2, 4])
TEXT_V2 = dict(fixture.TEXT_CONFIG, hidden_act="gelu")


def open_clip_state(text_encoder, torch):
    """The fixture text module's weights under OpenCLIP's names, with a third (dropped) random layer."""
    sd = text_encoder.state_dict()
    out = {"positional_embedding": sd["position_embedding"], "token_embedding.weight": sd["token_embedding.weight"],
           "ln_final.weight": sd["final_layer_norm.weight"], "ln_final.bias": sd["final_layer_norm.bias"]}
    layers = fixture.TEXT_CONFIG["num_hidden_layers"]
    g = torch.Generator().manual_seed(5)
    d = fixture.TEXT_CONFIG["hidden_size"]
    for i in range(layers + 1):
        get = (lambda k: sd[f"layers.{i}.{k}"]) if i < layers else (
            lambda k: torch.randn(sd[f"layers.0.{k}"].shape, generator=g) * 0.1)
        p = f"transformer.resblocks.{i}."
        out[p + "attn.in_proj_weight"] = torch.cat([get("q_proj.weight"), get("k_proj.weight"), get("v_proj.weight")])
        out[p + "attn.in_proj_bias"] = torch.cat([get("q_proj.bias"), get("k_proj.bias"), get("v_proj.bias")])
        out[p + "attn.out_proj.weight"], out[p + "attn.out_proj.bias"] = get("out_proj.weight"), get("out_proj.bias")
        for a, b in (("ln_1", "layer_norm1"), ("ln_2", "layer_norm2"), ("mlp.c_fc", "fc1"), ("mlp.c_proj", "fc2")):
            out[p + a + ".weight"], out[p + a + ".bias"] = get(b + ".weight"), get(b + ".bias")
    out["text_projection"] = torch.randn(d, d, generator=g)
    return {k: v.clone().contiguous() for k, v in out.items()}


def digest(v):
    return hashlib.sha256(v.contiguous().numpy().astype("<f4").tobytes()).hexdigest()


def main(argv):
    out = argv[0] if argv else "src-main/models/checkpoint/fixtures"
    diffusers = fixture.diffusers_env()
    import torch
    from diffusers.loaders import single_file_utils as sfu

    text_encoder, _, vae = fixture.build_modules(diffusers)
    torch.manual_seed(fixture.SEED + 11)
    unet = diffusers.UNet2DConditionModel(**UNET_V2).eval().requires_grad_(False)
    fixture.calibrate(unet)

    ldm = {}
    for name, value in unet.state_dict().items():
        ldm["model.diffusion_model." + sd1.unet_to_ldm(name, UNET_V2)] = value.clone()
    for name, value in vae.state_dict().items():
        key, was_conv = sd1.vae_to_ldm(name, fixture.VAE_CONFIG)
        ldm["first_stage_model." + key] = value[:, :, None, None].clone() if was_conv else value.clone()
    for name, value in open_clip_state(text_encoder, torch).items():
        ldm["cond_stage_model.model." + name] = value
    sd1.write_safetensors(os.path.join(out, "tiny-ldm-v2.safetensors"), ldm)

    class TextModel:  # convert_open_clip_checkpoint reads only config.hidden_size (absent a text_projection)
        config = type("Config", (), {"hidden_size": fixture.TEXT_CONFIG["hidden_size"]})

    text = sfu.convert_open_clip_checkpoint(TextModel(), ldm, prefix="cond_stage_model.model.")
    layers = fixture.TEXT_CONFIG["num_hidden_layers"]
    text = {k: v for k, v in text.items() if not k.startswith(f"text_model.encoder.layers.{layers}.")
            and k != "text_projection.weight"}
    converted = {"unet": sfu.convert_ldm_unet_checkpoint(ldm, UNET_V2),
                 "vae": sfu.convert_ldm_vae_checkpoint(ldm, dict(fixture.VAE_CONFIG)), "text_encoder": text}
    assert all(torch.equal(converted["unet"][k], v) for k, v in unet.state_dict().items())
    clip_names = {sd1.text_to_clip(k): v for k, v in text_encoder.state_dict().items()}
    assert set(clip_names) == set(text) and all(torch.equal(text[k], v) for k, v in clip_names.items())

    g = torch.Generator().manual_seed(3)
    sample = torch.randn(2, 4, 8, 12, generator=g)
    context = torch.randn(2, 77, 32, generator=g)
    with torch.no_grad():
        unet_out = unet(sample, torch.tensor([601.0, 601.0]), context).sample
    expected = {c: {k: {"shape": list(v.shape), "sha256": digest(v)} for k, v in sorted(p.items())}
                for c, p in converted.items()}
    expected["unetCase"] = {"timestep": 601.0, "sample": sample.flatten().tolist(), "context": context.flatten().tolist(),
                            "out": unet_out.flatten().tolist()}
    expected["how"] = ("tools/reference/make_checkpoint_fixture_v2.py: diffusers v0.40.0 single-file conversion "
                       "functions on tiny-ldm-v2.safetensors; unetCase is UNet2DConditionModel's own output")
    fixture.write_json(os.path.join(out, "tiny-ldm-v2-expected.json"), expected, compact=True)

    folder = os.path.join(out, "tiny-ldm-v2-config")
    for sub, config in (("unet", dict(UNET_V2, _class_name="UNet2DConditionModel")),
                        ("vae", dict(fixture.VAE_CONFIG, _class_name="AutoencoderKL")),
                        ("text_encoder", dict(TEXT_V2, vocab_size=len(fixture.tokenizer_vocab()))),
                        ("scheduler", dict(fixture.SD2V_SCHEDULER))):
        os.makedirs(os.path.join(folder, sub), exist_ok=True)
        name = "scheduler_config.json" if sub == "scheduler" else "config.json"
        fixture.write_json(os.path.join(folder, sub, name), config)
    for f in sorted(os.listdir(out)):
        print(f"{f:32s} {os.path.getsize(os.path.join(out, f)):9d} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
