#!/usr/bin/python3
"""SD 1.5's parameter names in both layouts, from diffusers' own code, for the importer's name-mapping test.

    DIFFUSERS_SRC=/tmp/diffusers/src DIFFUSERS_REPO=/work/.mirror/huggingface+diffusers/repo \
        /usr/bin/python3 tools/reference/sd15_ldm_names.py src-main/models/checkpoint/fixtures/sd15-ldm-names.json

The diffusers names are the state_dict keys of UNet2DConditionModel and AutoencoderKL built with SD 1.5's
structure (stable-diffusion-v1-5's block types, 4 levels, 2 layers per block) at a quarter of its widths, which
keeps every name (a shortcut convolution exists where SD 1.5 has one) without allocating 3 GB. The LDM names are
what diffusers' scripts/convert_diffusers_to_original_stable_diffusion.py (read from the diffusers git repository;
its name tables are hard-coded for exactly this structure) makes of them.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_fixture_models as fixture  # noqa: E402


def reverse_script_tables():
    """The script's module-level tables and functions, without its safetensors import and CLI."""
    repo = os.environ.get("DIFFUSERS_REPO", "/work/.mirror/huggingface+diffusers/repo")
    source = subprocess.check_output(["git", "--git-dir", repo, "show",
                                      "HEAD:scripts/convert_diffusers_to_original_stable_diffusion.py"], text=True)
    source = source.replace("from safetensors.torch import load_file, save_file", "")
    source = source.split("# =========================#\n# Text Encoder Conversion #")[0]
    namespace = {}
    exec(compile(source, "convert_diffusers_to_original_stable_diffusion.py", "exec"), namespace)  # noqa: S102
    return namespace


def main(argv):
    out = argv[0] if argv else "src-main/models/checkpoint/fixtures/sd15-ldm-names.json"
    diffusers = fixture.diffusers_env()
    import contextlib
    import io

    script = reverse_script_tables()
    unet = diffusers.UNet2DConditionModel(
        block_out_channels=[32, 64, 128, 128], layers_per_block=2, cross_attention_dim=64, attention_head_dim=8,
        down_block_types=["CrossAttnDownBlock2D"] * 3 + ["DownBlock2D"],
        up_block_types=["UpBlock2D"] + ["CrossAttnUpBlock2D"] * 3)
    vae = diffusers.AutoencoderKL(block_out_channels=[32, 64, 128, 128], layers_per_block=2,
                                  down_block_types=["DownEncoderBlock2D"] * 4, up_block_types=["UpDecoderBlock2D"] * 4)
    unet_names = {k: k for k in unet.state_dict()}
    vae_state = {k: v.clone() for k, v in vae.state_dict().items()}
    with contextlib.redirect_stdout(io.StringIO()):
        ldm_vae = script["convert_vae_state_dict"]({k: vae_state[k] for k in vae_state})
    names = list(vae_state)
    by_value = {id(v): k for k, v in vae_state.items()}
    vae_map = {}  # diffusers → ldm, like unet_map; reshaped tensors are new objects, found by their values
    for ldm, value in ldm_vae.items():
        source = by_value.get(id(value))
        if source is None:  # reshaped q/k/v/proj_out weights are new tensors: match by data
            source = next(k for k in names if vae_state[k].numel() == value.numel()
                          and vae_state[k].flatten().equal(value.flatten()))
        vae_map[source] = ldm
    # convert_unet_state_dict maps names to values; given names as values it returns ldm → diffusers.
    unet_map = {v: k for k, v in script["convert_unet_state_dict"](unet_names).items()}
    result = {"how": "tools/reference/sd15_ldm_names.py: diffusers' convert_diffusers_to_original_stable_diffusion.py "
                     "on SD 1.5-structured UNet2DConditionModel / AutoencoderKL state_dict names",
              "unet": dict(sorted(unet_map.items())), "vae": dict(sorted(vae_map.items()))}  # diffusers → ldm
    fixture.write_json(out, result)
    print(out, len(unet_map), "unet names,", len(vae_map), "vae names")


if __name__ == "__main__":
    main(sys.argv[1:])
