#!/usr/bin/python3
"""Reference numbers for src-main/engine/schedulers, made by running diffusers' own scheduler classes.

Needs a diffusers v0.40.0 source tree (not committed here) and Debian's python3-torch + numpy:
    git -C /tmp/diffusers-repo archive v0.40.0 src | tar -x -C /tmp/diffusers
    DIFFUSERS_SRC=/tmp/diffusers/src /usr/bin/python3 tools/reference/scheduler_references.py \
        src-main/engine/schedulers/scheduler-references.json

What runs is diffusers' code, unmodified, driven the way StableDiffusionPipeline / StableDiffusionImg2ImgPipeline
drive it (scale_model_input, step with generator and eta=0, get_timesteps + set_begin_index + add_noise), with an
analytic denoiser in place of the UNet. Three things around it are arranged, and recorded in the output:
- third-party modules diffusers imports but the schedulers never use (huggingface_hub, PIL, tqdm, ...) are stubbed,
  and torch 1.13 gets the empty device namespaces (torch.xpu, torch.mps, ...) diffusers' import tables name;
- NumPy runs with NEP 50 promotion (np._set_promotion_state("weak")), the rule of NumPy 2, which diffusers 0.40
  users have: it decides whether _sigma_to_t interpolates Karras timesteps in float32 or float64;
- torch runs with ATEN_CPU_CAPABILITY=avx2, the kernels most desktops use. (Debian's torch is 1.13, whose vectorised
  float32 linspace rounds some betas an ulp away from torch 2's scalar kernel; alphasCumprod is stored as torch
  computed it.)
Every random draw a scheduler makes goes through diffusers' randn_tensor, wrapped here to record its values.
"""
import importlib.abc
import importlib.machinery
import json
import math
import os
import platform
import subprocess
import sys
import types

import diffusers_stubs

SCRIPT = "tools/reference/scheduler_references.py"
SHAPE = (1, 4, 2, 2)  # latents: only elementwise ops, so a few values suffice

SD15 = {
    "_class_name": "PNDMScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085,
    "num_train_timesteps": 1000, "set_alpha_to_one": False, "skip_prk_steps": True, "steps_offset": 1,
    "trained_betas": None, "clip_sample": False,
}
CONFIGS = {
    "sd15": SD15,
    # stabilityai/stable-diffusion-2-1's scheduler_config.json
    "sd2v": {
        "_class_name": "DDIMScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085,
        "clip_sample": False, "num_train_timesteps": 1000, "prediction_type": "v_prediction",
        "set_alpha_to_one": False, "skip_prk_steps": True, "steps_offset": 1, "trained_betas": None,
    },
    # zero-terminal-SNR v-prediction model with trailing spacing (Lin et al. 2023)
    "zsnr": {
        "_class_name": "DDIMScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085,
        "clip_sample": False, "num_train_timesteps": 1000, "prediction_type": "v_prediction",
        "rescale_betas_zero_snr": True, "set_alpha_to_one": False, "steps_offset": 1, "timestep_spacing": "trailing",
    },
    # cosine betas with leading spacing and a clipped sample range, defaults elsewhere
    "cosine": {
        "_class_name": "EulerDiscreteScheduler", "beta_schedule": "squaredcos_cap_v2", "num_train_timesteps": 1000,
        "timestep_spacing": "leading", "steps_offset": 1, "clip_sample": True, "clip_sample_range": 1.5,
        "prediction_type": "sample",
    },
    # a DPM++ Karras model config with linear betas: use_karras_sigmas also reaches Euler through from_config
    "linear-karras": {
        "_class_name": "DPMSolverMultistepScheduler", "beta_schedule": "linear", "beta_start": 0.0001,
        "beta_end": 0.02, "num_train_timesteps": 1000, "use_karras_sigmas": True, "steps_offset": 0,
        "_use_default_values": ["timestep_spacing"], "timestep_spacing": "trailing",
    },
}

# id -> (class, overrides): the same table as src-main/engine/schedulers/index.ts
SCHEDULERS = {
    "pndm": ("PNDMScheduler", {"skip_prk_steps": True}),
    "ddim": ("DDIMScheduler", {}),
    "euler": ("EulerDiscreteScheduler", {}),
    "euler-a": ("EulerAncestralDiscreteScheduler", {}),
    "dpmpp-2m": ("DPMSolverMultistepScheduler",
                 {"algorithm_type": "dpmsolver++", "solver_order": 2, "use_karras_sigmas": False}),
    "dpmpp-2m-karras": ("DPMSolverMultistepScheduler",
                        {"algorithm_type": "dpmsolver++", "solver_order": 2, "use_karras_sigmas": True}),
    "lcm": ("LCMScheduler", {}),
}
MODULES = {
    "PNDMScheduler": "scheduling_pndm", "DDIMScheduler": "scheduling_ddim",
    "EulerDiscreteScheduler": "scheduling_euler_discrete",
    "EulerAncestralDiscreteScheduler": "scheduling_euler_ancestral_discrete",
    "DPMSolverMultistepScheduler": "scheduling_dpmsolver_multistep", "LCMScheduler": "scheduling_lcm",
}


def plan():
    """(config, id, mode, steps, strength) for every case."""
    ids = list(SCHEDULERS)
    cases = []
    for cfg in ("sd15", "sd2v"):
        for sid in ids:
            counts = [4, 20] + ([25] if sid in ("euler", "dpmpp-2m", "dpmpp-2m-karras", "pndm") else [])
            cases += [(cfg, sid, "txt2img", n, None) for n in counts]
            cases.append((cfg, sid, "img2img", 20, 0.6))
    for sid in ("pndm", "euler-a", "dpmpp-2m-karras", "lcm"):
        cases.append(("sd15", sid, "img2img", 20, 0.95))  # keeps PNDM's repeated timestep
    cases += [("sd15", sid, "txt2img", 1, None) for sid in ids]
    cases.append(("zsnr", "ddim", "txt2img", 61, None))  # np.arange(1000, 0, -1000/61) has 62 values
    for cfg in ("zsnr", "cosine", "linear-karras"):
        for sid in ids:
            if cfg == "cosine" and sid in ("pndm", "euler-a"):
                continue  # prediction_type "sample" is not one these classes accept
            if not (cfg == "cosine" and sid == "dpmpp-2m-karras"):
                # (that one repeats its first timestep, so diffusers starts at index 1 and steps off the end)
                cases.append((cfg, sid, "txt2img", 10, None))
            cases.append((cfg, sid, "img2img", 10, 0.6))
    return cases


def install_stubs():
    """Let `import diffusers` succeed without the hub/image packages the scheduler code never touches."""
    Dummy = diffusers_stubs.install_stubs({"huggingface_hub", "safetensors", "PIL", "regex", "requests", "httpx", "tqdm"})
    import torch

    for name in ("xpu", "mtia", "mps", "npu", "musa", "hpu"):
        if not hasattr(torch, name):
            setattr(torch, name, Dummy())


def f32list(values):
    """The shortest decimal naming each float32 (numpy's str), so the JSON round-trips through Math.fround."""
    import numpy as np

    return [float(str(np.float32(v))) for v in np.asarray(values, dtype=np.float32).reshape(-1)]


def denoiser(x, t):
    """The UNet stand-in; the TS test computes the same in double and rounds to float32."""
    import numpy as np
    import torch

    i = np.arange(x.numel(), dtype=np.float64)
    out = 0.6 * x.numpy().astype(np.float64).reshape(-1) + 0.4 * np.sin(float(t) / 150.0 + 0.37 * i)
    return torch.from_numpy(out.astype(np.float32).reshape(x.shape))


def original_latents():
    import numpy as np
    import torch

    i = np.arange(math.prod(SHAPE), dtype=np.float64)
    return torch.from_numpy((0.8 * np.sin(1.3 * i + 0.2)).astype(np.float32).reshape(SHAPE))


def run_case(classes, draws, cfg, sid, mode, steps, strength, seed):
    import inspect

    import torch

    class_name, overrides = SCHEDULERS[sid]
    scheduler = classes[class_name].from_config(dict(CONFIGS[cfg]), **overrides)
    scheduler.set_timesteps(steps)
    case = {
        "config": cfg, "id": sid, "mode": mode, "steps": steps, "seed": seed,
        "order": scheduler.order, "timesteps": [float(t) for t in scheduler.timesteps],
        "initNoiseSigma": float(scheduler.init_noise_sigma),
    }
    if hasattr(scheduler, "sigmas"):
        case["sigmas"] = f32list(scheduler.sigmas)
    # add_noise at a few timesteps of a fresh schedule (no begin index, so diffusers looks the timestep up)
    x0 = original_latents()
    g_probe = torch.Generator("cpu").manual_seed(seed + 1)
    probe_noise = torch.randn(SHAPE, generator=g_probe)
    picks = sorted({0, len(scheduler.timesteps) // 2, len(scheduler.timesteps) - 1})
    case["addNoise"] = {"noise": f32list(probe_noise), "original": f32list(x0), "at": [
        {"timestep": float(scheduler.timesteps[k]),
         "noisy": f32list(scheduler.add_noise(x0, probe_noise, scheduler.timesteps[k : k + 1]))}
        for k in picks
    ]}
    scheduler = classes[class_name].from_config(dict(CONFIGS[cfg]), **overrides)
    scheduler.set_timesteps(steps)

    g = torch.Generator("cpu").manual_seed(seed)
    if mode == "txt2img":
        timesteps = scheduler.timesteps
        initial = torch.randn(SHAPE, generator=g, dtype=torch.float32)
        latents = initial * scheduler.init_noise_sigma
        case["initialNoise"] = f32list(initial)
    else:  # StableDiffusionImg2ImgPipeline.get_timesteps and prepare_latents
        init_timestep = min(int(steps * strength), steps)
        t_start = max(steps - init_timestep, 0)
        timesteps = scheduler.timesteps[t_start * scheduler.order :]
        if hasattr(scheduler, "set_begin_index"):
            scheduler.set_begin_index(t_start * scheduler.order)
        noise = torch.randn(SHAPE, generator=g, dtype=torch.float32)
        latents = scheduler.add_noise(x0, noise, timesteps[:1].repeat(SHAPE[0]))
        case.update(strength=strength, tStart=t_start, original=f32list(x0), initialNoise=f32list(noise),
                    beginIndex=t_start * scheduler.order if hasattr(scheduler, "set_begin_index") else None)
    case["initialLatents"] = f32list(latents)

    params = set(inspect.signature(scheduler.step).parameters)
    extra = {}
    if "eta" in params:
        extra["eta"] = 0.0
    if "generator" in params:
        extra["generator"] = g
    records = []
    for t in timesteps:
        scaled = scheduler.scale_model_input(latents, t)
        model_output = denoiser(scaled, t)
        draws.clear()
        latents = scheduler.step(model_output, t, latents, **extra, return_dict=False)[0]
        record = {"timestep": float(t), "prev": f32list(latents)}
        if sid in ("euler", "euler-a"):
            record["scaled"] = f32list(scaled)
        if draws:
            record["noise"] = [f32list(d) for d in draws]
        records.append(record)
    case["loop"] = records
    return case


def main(out_path):
    src = os.environ.get("DIFFUSERS_SRC")
    if not src:
        sys.exit("set DIFFUSERS_SRC to a diffusers v0.40.0 checkout's src directory")
    if os.environ.get("ATEN_CPU_CAPABILITY") != "avx2":
        env = dict(os.environ, ATEN_CPU_CAPABILITY="avx2")
        sys.exit(subprocess.call([sys.executable, *sys.argv], env=env))
    import numpy as np

    np._set_promotion_state("weak")
    install_stubs()
    sys.path.insert(0, src)
    import torch
    import diffusers

    diffusers.utils.logging.set_verbosity_error()

    classes, draws = {}, []
    for class_name, module_name in MODULES.items():
        module = importlib.import_module(f"diffusers.schedulers.{module_name}")
        classes[class_name] = getattr(module, class_name)
        original = getattr(module, "randn_tensor", None)
        if original is None:
            continue  # this class never draws

        def recording(*args, _original=original, **kwargs):
            value = _original(*args, **kwargs)
            draws.append(value.clone())
            return value

        module.randn_tensor = recording

    schedules, schedule_keys = [], {}
    for cfg, config in CONFIGS.items():
        for sid, (class_name, overrides) in SCHEDULERS.items():
            try:
                scheduler = classes[class_name].from_config(dict(config), **overrides)
            except Exception:
                continue
            values = f32list(scheduler.alphas_cumprod)
            if values not in schedules:
                schedules.append(values)
            schedule_keys[f"{cfg}:{sid}"] = schedules.index(values)

    cases = [run_case(classes, draws, *spec, seed=1000 + k) for k, spec in enumerate(plan())]
    capability = [l.strip() for l in torch.__config__.show().splitlines() if "CPU capability" in l]
    result = {
        "generatedBy": {
            "script": SCRIPT,
            "command": f"DIFFUSERS_SRC=<diffusers v0.40.0>/src /usr/bin/python3 {SCRIPT} {out_path}",
            "diffusers": diffusers.__version__,
            "torch": torch.__version__,
            "numpy": f"{np.__version__} with NEP 50 (weak) promotion",
            "python": platform.python_version(),
            "cpu": " ".join(capability),
            "denoiser": "model_output[i] = float32(0.6*x[i] + 0.4*sin(t/150 + 0.37*i)), x = scaled input, in double",
            "original": "x0[i] = float32(0.8*sin(1.3*i + 0.2)), in double",
            "note": "alphasCumprod is torch 1.13's; its float32 linspace (the betas) differs from torch 2's by an "
            "ulp in places, so the TS suite also replays these values to check everything downstream exactly",
        },
        "shape": list(SHAPE),
        "configs": CONFIGS,
        "schedulers": {sid: {"className": c, "overrides": o} for sid, (c, o) in SCHEDULERS.items()},
        "alphasCumprod": {"arrays": schedules, "byConfigAndId": schedule_keys},
        "cases": cases,
    }
    with open(out_path, "w") as f:
        json.dump(result, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} cases to {out_path} ({os.path.getsize(out_path)} bytes)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src-main/engine/schedulers/scheduler-references.json")
