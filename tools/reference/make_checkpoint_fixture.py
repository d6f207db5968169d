#!/usr/bin/python3
"""The tiny fixture model (tiny-sd's exact weights) as a single-file checkpoint in the original LDM layout, and what
diffusers' single-file conversion makes of it, for the checkpoint importer's tests.

Needs what make_fixture_models.py needs (a diffusers v0.40.0 source tree, Debian's python3-torch 1.13, -numpy):
    DIFFUSERS_SRC=/tmp/diffusers/src /usr/bin/python3 tools/reference/make_checkpoint_fixture.py \
        src-main/models/checkpoint/fixtures

Writes
  tiny-ldm.safetensors   float32, LDM names (model.diffusion_model.*, first_stage_model.*, cond_stage_model.*),
                         with the int64 position_ids real SD 1.x checkpoints carry; written by hand (no safetensors
                         package here) in the format's layout: u64 header length, JSON header, tensors in name order
  tiny-ldm.ckpt          the same tensors through torch.save, wrapped in {"state_dict": …, "global_step": 1} as
                         Lightning saves them; one tensor is stored as a non-contiguous (transposed) view
  tiny-ldm-expected.json for every diffusers parameter the conversion yields: its shape and the SHA-256 of its
                         float32 bytes, from diffusers' own convert_ldm_unet_checkpoint / convert_ldm_vae_checkpoint
                         / convert_ldm_clip_checkpoint (loaders/single_file_utils.py) run on the checkpoint

The diffusers → LDM direction is written here for the tiny architecture's depths (diffusers' own
scripts/convert_diffusers_to_original_stable_diffusion.py hard-codes SD 1.x's four levels of two layers), and the
script checks that diffusers' conversion gives back every tensor of the fixture modules bit for bit, so the
importer's goldens are also the existing tiny-sd references. The text encoder is the CLIP-style module of
make_fixture_models.py (transformers is not installed): its parameters are saved under transformers'
CLIPTextModel names (text_model.embeddings.token_embedding.weight, text_model.encoder.layers.N.self_attn.q_proj…),
the names SD 1.x checkpoints use, which convert_ldm_clip_checkpoint only strips of their prefix.
"""
import hashlib
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_fixture_models as fixture  # noqa: E402

RESNET = [("norm1", "in_layers.0"), ("conv1", "in_layers.2"), ("norm2", "out_layers.0"), ("conv2", "out_layers.3"),
          ("time_emb_proj", "emb_layers.1"), ("conv_shortcut", "skip_connection")]


def unet_to_ldm(name, config):
    """A diffusers UNet2DConditionModel parameter name → its LDM openaimodel.py name."""
    per = config["layers_per_block"] + 1
    direct = {"conv_in.": "input_blocks.0.0.", "time_embedding.linear_1.": "time_embed.0.",
              "time_embedding.linear_2.": "time_embed.2.", "conv_norm_out.": "out.0.", "conv_out.": "out.2."}
    for d, l in direct.items():
        if name.startswith(d):
            return l + name[len(d):]
    parts = name.split(".")

    def resnet(rest):
        for d, l in RESNET:
            if rest.startswith(d + "."):
                return l + rest[len(d):]
        raise ValueError(rest)

    if parts[0] == "down_blocks":
        b, kind = int(parts[1]), parts[2]
        if kind == "downsamplers":
            return f"input_blocks.{1 + b * per + per - 1}.0.op." + ".".join(parts[5:])
        j, rest = int(parts[3]), ".".join(parts[4:])
        index = 1 + b * per + j
        return f"input_blocks.{index}.0." + resnet(rest) if kind == "resnets" else f"input_blocks.{index}.1." + rest
    if parts[0] == "mid_block":
        k, rest = int(parts[2]), ".".join(parts[3:])
        return f"middle_block.{2 * k}." + resnet(rest) if parts[1] == "resnets" else "middle_block.1." + rest
    if parts[0] == "up_blocks":
        b, kind = int(parts[1]), parts[2]
        if kind == "upsamplers":
            has_attention = config["up_block_types"][b].startswith("CrossAttn")
            return f"output_blocks.{b * per + per - 1}.{2 if has_attention else 1}.conv." + ".".join(parts[5:])
        j, rest = int(parts[3]), ".".join(parts[4:])
        index = b * per + j
        return f"output_blocks.{index}.0." + resnet(rest) if kind == "resnets" else f"output_blocks.{index}.1." + rest
    raise ValueError(name)


def vae_to_ldm(name, config):
    """A diffusers AutoencoderKL parameter name → its LDM autoencoder name, and whether it was a 1×1 conv there."""
    levels = len(config["block_out_channels"])
    parts = name.split(".")
    if parts[0] in ("quant_conv", "post_quant_conv") or parts[1] in ("conv_in", "conv_out"):
        return name, False
    side = parts[0]
    if parts[1] == "conv_norm_out":
        return f"{side}.norm_out." + parts[2], False
    if parts[1] == "mid_block":
        if parts[2] == "resnets":
            return f"{side}.mid.block_{int(parts[3]) + 1}." + ".".join(parts[4:]).replace("conv_shortcut", "nin_shortcut"), False
        sub = {"group_norm": "norm", "to_q": "q", "to_k": "k", "to_v": "v", "to_out": "proj_out"}[parts[4]]
        tail = parts[-1]
        return f"{side}.mid.attn_1.{sub}.{tail}", sub != "norm" and tail == "weight"
    block = int(parts[2])
    ldm_block = block if side == "encoder" else levels - 1 - block
    level = "down" if side == "encoder" else "up"
    if parts[3] in ("downsamplers", "upsamplers"):
        return f"{side}.{level}.{ldm_block}.{'downsample' if level == 'down' else 'upsample'}." + ".".join(parts[5:]), False
    rest = ".".join(parts[5:]).replace("conv_shortcut", "nin_shortcut")
    return f"{side}.{level}.{ldm_block}.block.{parts[4]}." + rest, False


def text_to_clip(name):
    """The fixture's CLIP-style module → transformers' CLIPTextModel names."""
    if name == "token_embedding.weight":
        return "text_model.embeddings.token_embedding.weight"
    if name == "position_embedding":
        return "text_model.embeddings.position_embedding.weight"
    if name.startswith("final_layer_norm."):
        return "text_model." + name
    parts = name.split(".")
    layer, module, tail = parts[1], parts[2], parts[3]
    group = "self_attn" if module.endswith("_proj") else "mlp" if module.startswith("fc") else None
    return f"text_model.encoder.layers.{layer}." + (f"{group}.{module}" if group else module) + "." + tail


def ldm_state_dict(text_encoder, unet, vae):
    import torch

    out = {}
    for name, value in unet.state_dict().items():
        out["model.diffusion_model." + unet_to_ldm(name, fixture.UNET_CONFIG)] = value.clone()
    for name, value in vae.state_dict().items():
        ldm, was_conv = vae_to_ldm(name, fixture.VAE_CONFIG)
        out["first_stage_model." + ldm] = value[:, :, None, None].clone() if was_conv else value.clone()
    for name, value in text_encoder.state_dict().items():
        out["cond_stage_model.transformer." + text_to_clip(name)] = value.clone()
    n = fixture.TEXT_CONFIG["max_position_embeddings"]
    out["cond_stage_model.transformer.text_model.embeddings.position_ids"] = torch.arange(n)[None, :]
    return out


def write_safetensors(path, tensors):
    import numpy as np

    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    dtypes = {"float32": "F32", "int64": "I64"}
    for name in sorted(tensors):
        array = tensors[name].contiguous().numpy()
        data = array.astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtypes[str(array.dtype)], "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    del np


def main(argv):
    out = argv[0] if argv else "src-main/models/checkpoint/fixtures"
    diffusers = fixture.diffusers_env()
    import torch
    from diffusers.loaders import single_file_utils as sfu

    text_encoder, unet, vae = fixture.build_modules(diffusers)
    ldm = ldm_state_dict(text_encoder, unet, vae)
    os.makedirs(out, exist_ok=True)
    write_safetensors(os.path.join(out, "tiny-ldm.safetensors"), ldm)
    ckpt = dict(ldm)
    strided = "model.diffusion_model.time_embed.2.weight"
    ckpt[strided] = ldm[strided].t().contiguous().t()  # same values, column-major storage
    assert not ckpt[strided].is_contiguous()
    torch.save({"state_dict": ckpt, "global_step": 1}, os.path.join(out, "tiny-ldm.ckpt"))

    converted = {
        "unet": sfu.convert_ldm_unet_checkpoint(ldm, fixture.UNET_CONFIG),
        "vae": sfu.convert_ldm_vae_checkpoint(ldm, dict(fixture.VAE_CONFIG)),
        "text_encoder": sfu.convert_ldm_clip_checkpoint(ldm),
    }
    originals = {"unet": unet.state_dict(), "vae": vae.state_dict(),
                 "text_encoder": {text_to_clip(k): v for k, v in text_encoder.state_dict().items()}}
    expected = {}
    for component, params in converted.items():
        floats = {k: v for k, v in params.items() if v.dtype == torch.float32}
        assert set(floats) == set(originals[component]), (component, set(floats) ^ set(originals[component]))
        for k, v in floats.items():
            assert torch.equal(v, originals[component][k]), (component, k)
        expected[component] = {k: {"shape": list(v.shape),
                                   "sha256": hashlib.sha256(v.contiguous().numpy().astype("<f4").tobytes()).hexdigest()}
                               for k, v in sorted(floats.items())}
    expected["how"] = ("diffusers v0.40.0 loaders/single_file_utils.py convert_ldm_unet_checkpoint, "
                       "convert_ldm_vae_checkpoint, convert_ldm_clip_checkpoint on tiny-ldm.safetensors's tensors "
                       "(tools/reference/make_checkpoint_fixture.py); equal bit for bit to tiny-sd's modules")
    fixture.write_json(os.path.join(out, "tiny-ldm-expected.json"), expected)
    for f in sorted(os.listdir(out)):
        print(f"{f:28s} {os.path.getsize(os.path.join(out, f)):9d} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
