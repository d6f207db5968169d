#!/usr/bin/python3
"""Golden images for the engine's end-to-end tests, made by diffusers' own StableDiffusionPipeline,
StableDiffusionImg2ImgPipeline and StableDiffusionInpaintPipeline running the torch modules that
make_fixture_models.py exports.

Needs what make_fixture_models.py needs (a diffusers v0.40.0 src tree, Debian's python3-torch, -numpy, -onnx,
-pil, -regex); run from the repository root:
    DIFFUSERS_SRC=/tmp/diffusers/src /usr/bin/python3 tools/reference/pipeline_references.py \
        src-main/engine/test-fixtures/references

What runs is diffusers' pipeline code, unmodified, on CPU in float32, with
`generator=torch.Generator('cpu').manual_seed(seed)` and `output_type='np'`. Around it:
- the prompts go in as `prompt_embeds` / `negative_prompt_embeds` from the fixture's torch text encoder, on token
  ids this script computes the way CLIPTokenizer does (bos, ids, eos, padding to 77) — transformers is absent;
- the UNet gets its timestep in the dtype the exported graph declares: truncated to int64 for the int64 models
  (as an ONNX pipeline feeding `np.array([t], dtype=int64)` does), float32 for tiny-sd-v;
- for models whose vae_encoder outputs `latent_sample` (the posterior mean), `vae.encode` returns that tensor as
  `.latents`, so diffusers' retrieve_latents uses it as is and draws nothing; tiny-sd-optimum keeps AutoencoderKL's
  own encode, whose latent_dist.sample(generator) is the first draw;
- images are diffusers' float output turned into 8-bit the way its numpy_to_pil does: round(x·255), half to even;
- inpainting cases pass the mask as an 8-bit grey PIL image (mask-64.png) and take the pipeline's output as is (no
  overlay: padding_mask_crop is None); the engine matches it with maskBlur 0 and keepDecoded.
Also written: the init image for img2img and inpainting (a fixed drawing, init-64.png), the inpainting mask
(mask-64.png) and index.json describing every case.
"""
import copy
import os
import platform
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_fixture_models as fixture  # noqa: E402

SCRIPT = "tools/reference/pipeline_references.py"
PROMPT, NEGATIVE = "a red circle", "blue"
INIT_IMAGE = "init-64.png"
MASK_IMAGE = "mask-64.png"

# Ids and tables shared with the engine: the scheduler table is scheduler_references.py's (= schedulers/index.ts).
SCHEDULER_IDS = ["pndm", "ddim", "euler", "euler-a", "dpmpp-2m", "dpmpp-2m-karras", "lcm"]


def plan():
    """Every case: id, model variant (the references hold for `alsoFor` too), mode and settings."""
    shared = ["tiny-sd-external"]  # identical graphs, weights stored apart
    cases = []
    for k, sid in enumerate(SCHEDULER_IDS):
        cases.append(dict(id=f"txt2img-{sid}", model="tiny-sd", alsoFor=shared, mode="txt2img", scheduler=sid,
                          prompt=PROMPT, negative=NEGATIVE, seed=100 + k, steps=4 if sid == "lcm" else 8,
                          guidance=7.5, batch=1))
    cases += [
        dict(id="txt2img-guidance-1", model="tiny-sd", alsoFor=shared, mode="txt2img", scheduler="pndm",
             prompt=PROMPT, negative=NEGATIVE, seed=200, steps=8, guidance=1.0, batch=1),
        dict(id="txt2img-batch-2", model="tiny-sd", alsoFor=shared, mode="txt2img", scheduler="euler-a",
             prompt=PROMPT, negative=NEGATIVE, seed=201, steps=8, guidance=7.5, batch=2),
        dict(id="img2img-pndm", model="tiny-sd", alsoFor=shared, mode="img2img", scheduler="pndm", prompt=PROMPT,
             negative=NEGATIVE, seed=300, steps=8, guidance=7.5, batch=1, strength=0.6),
        dict(id="img2img-euler-a", model="tiny-sd", alsoFor=shared, mode="img2img", scheduler="euler-a",
             prompt=PROMPT, negative=NEGATIVE, seed=301, steps=8, guidance=7.5, batch=1, strength=0.6),
        dict(id="img2img-optimum-euler-a", model="tiny-sd-optimum", alsoFor=[], mode="img2img",
             scheduler="euler-a", prompt=PROMPT, negative=NEGATIVE, seed=302, steps=8, guidance=7.5, batch=1,
             strength=0.6),
        dict(id="v-txt2img-ddim", model="tiny-sd-v", alsoFor=[], mode="txt2img", scheduler="ddim", prompt=PROMPT,
             negative=NEGATIVE, seed=400, steps=8, guidance=7.5, batch=1),
        dict(id="v-txt2img-euler", model="tiny-sd-v", alsoFor=[], mode="txt2img", scheduler="euler",
             prompt=PROMPT, negative=NEGATIVE, seed=401, steps=8, guidance=7.5, batch=1),
        dict(id="v-img2img-dpmpp-2m", model="tiny-sd-v", alsoFor=[], mode="img2img", scheduler="dpmpp-2m",
             prompt=PROMPT, negative="", seed=402, steps=8, guidance=7.5, batch=1, strength=0.6),
    ]
    inpaint = dict(alsoFor=[], mode="inpaint", prompt=PROMPT, negative=NEGATIVE, steps=8, guidance=7.5, batch=1)
    cases += [
        dict(id="inpaint-pndm", model="tiny-sd-inpaint", **inpaint, scheduler="pndm", seed=500, strength=1.0),
        dict(id="inpaint-euler-a-0.75", model="tiny-sd-inpaint", **inpaint, scheduler="euler-a", seed=501,
             strength=0.75),
        dict(id="inpaint-ddim-0.75-batch-2", model="tiny-sd-inpaint", **dict(inpaint, batch=2), scheduler="ddim",
             seed=502, strength=0.75),
        dict(id="inpaint-euler-guidance-1", model="tiny-sd-inpaint", **dict(inpaint, guidance=1.0),
             scheduler="euler", seed=503, strength=1.0),
        # The posterior is sampled: strength < 1 draws (init image, noise, masked image), strength 1 (noise, masked
        # image).
        dict(id="inpaint-optimum-dpmpp-2m-0.75", model="tiny-sd-inpaint-optimum", **inpaint, scheduler="dpmpp-2m",
             seed=504, strength=0.75),
        dict(id="inpaint-optimum-euler-a", model="tiny-sd-inpaint-optimum", **inpaint, scheduler="euler-a",
             seed=505, strength=1.0),
    ]
    for case in cases:
        case.setdefault("strength", None)
        case.update(width=fixture.SIZE, height=fixture.SIZE)
    return cases


def init_image():
    """64×64 RGB: a red disc over a blue-green gradient with a darker stripe; pure integer arithmetic."""
    import numpy as np

    y, x = np.mgrid[0:64, 0:64]
    rgb = np.stack([x * 2 + 40, y * 3 + 20, 200 - x - y], axis=-1)
    rgb[(x - 36) ** 2 + (y - 28) ** 2 <= 15 ** 2] = [220, 40, 30]
    rgb[(x + y >= 80) & (x + y < 88)] //= 2
    return np.clip(rgb, 0, 255).astype(np.uint8)


def mask_image():
    """64×64 grey (white = repaint): a disc over the lower left and a bar across the top right, with a few grey
    levels around 127.5 on its edge (diffusers binarizes at 0.5); pure integer arithmetic."""
    import numpy as np

    y, x = np.mgrid[0:64, 0:64]
    grey = np.zeros((64, 64), dtype=np.int64)
    grey[(x - 22) ** 2 + (y - 40) ** 2 <= 13 ** 2] = 255
    grey[(y >= 10) & (y < 22) & (x >= 34) & (x < 58)] = 255
    grey[(y == 22) & (x >= 34) & (x < 58)] = 127 + (x[(y == 22) & (x >= 34) & (x < 58)] % 2)  # 127 keeps, 128 repaints
    return grey.astype(np.uint8)


def f32list(values):
    """The shortest decimal naming each float32 (numpy's str), so the JSON round-trips through Math.fround."""
    import numpy as np

    return [float(str(np.float32(v))) for v in np.asarray(values, dtype=np.float32).reshape(-1)]


class Runner:
    def __init__(self, diffusers):
        import importlib

        import torch

        self.torch = torch
        self.text_encoder, self.unet, self.vae = fixture.build_modules(diffusers)
        sd = "diffusers.pipelines.stable_diffusion"
        self.txt2img = importlib.import_module(f"{sd}.pipeline_stable_diffusion").StableDiffusionPipeline
        img2img_module = importlib.import_module(f"{sd}.pipeline_stable_diffusion_img2img")
        self.img2img = img2img_module.StableDiffusionImg2ImgPipeline
        self.inpaint = importlib.import_module(f"{sd}.pipeline_stable_diffusion_inpaint").StableDiffusionInpaintPipeline
        self.inpaint_unet = fixture.build_inpaint_unet(diffusers)
        from scheduler_references import SCHEDULERS

        self.schedulers = SCHEDULERS
        self.diffusers = diffusers

    def unet_for(self, timestep_dtype, inpaint=False):
        """The UNet as the exported graph sees its timestep."""
        torch = self.torch
        unet = copy.copy(self.inpaint_unet if inpaint else self.unet)  # shares the weights
        original = type(unet).forward
        target = torch.int64 if timestep_dtype == "int64" else torch.float32
        unet.seen_timesteps = []

        def forward(module, sample, timestep, *args, **kwargs):
            unet.seen_timesteps.append(float(timestep))
            return original(module, sample, torch.as_tensor(timestep).to(target), *args, **kwargs)

        unet.forward = types.MethodType(forward, unet)
        return unet

    def vae_for(self, encoder_output):
        if encoder_output == "latent_parameters":
            return self.vae  # AutoencoderKL.encode: latent_dist.sample(generator) draws
        vae = copy.copy(self.vae)
        original = type(vae).encode

        def encode(module, x, return_dict=True):
            return types.SimpleNamespace(latents=original(module, x).latent_dist.mean)

        vae.encode = types.MethodType(encode, vae)
        return vae

    def run(self, case, init_path, mask_path):
        import numpy as np
        import PIL.Image

        torch = self.torch
        variant = fixture.VARIANTS[case["model"]]
        tokenizer = fixture.load_tokenizer(variant["pad"])
        class_name, overrides = self.schedulers[case["scheduler"]]
        scheduler = getattr(self.diffusers, class_name).from_config(dict(variant["scheduler"]), **overrides)
        unet = self.unet_for(variant["timestep"], inpaint=variant.get("inpaint", False))
        vae = self.vae_for(variant["encoder"])
        ids = {"prompt": tokenizer.encode(case["prompt"]), "negative": tokenizer.encode(case["negative"])}
        embed = lambda key: self.text_encoder(torch.tensor([ids[key]], dtype=torch.int32))[0]  # noqa: E731
        pipeline_class = {"txt2img": self.txt2img, "img2img": self.img2img, "inpaint": self.inpaint}[case["mode"]]
        pipe = pipeline_class(vae=vae, text_encoder=None, tokenizer=None, unet=unet, scheduler=scheduler,
                              safety_checker=None, feature_extractor=None, image_encoder=None,
                              requires_safety_checker=False)
        pipe.set_progress_bar_config(disable=True)
        steps_seen, final = [], {}

        def on_step_end(_pipe, i, t, kwargs):
            final["latents"] = latents = kwargs["latents"].clone()
            steps_seen.append({"timestep": float(t), "latentsSum": float(latents.double().sum())})
            return kwargs

        args = dict(prompt_embeds=embed("prompt"), negative_prompt_embeds=embed("negative"),
                    num_inference_steps=case["steps"], guidance_scale=case["guidance"],
                    num_images_per_prompt=case["batch"], generator=torch.Generator("cpu").manual_seed(case["seed"]),
                    output_type="np", callback_on_step_end=on_step_end,
                    callback_on_step_end_tensor_inputs=["latents"])
        if case["mode"] in ("img2img", "inpaint"):
            args.update(image=PIL.Image.open(init_path).convert("RGB"), strength=case["strength"])
        if case["mode"] == "inpaint":
            args.update(mask_image=PIL.Image.open(mask_path), height=case["height"], width=case["width"])
        if case["mode"] == "txt2img":
            args.update(height=case["height"], width=case["width"])
        with torch.no_grad():
            images = pipe(**args, return_dict=False)[0]
        latents = final["latents"]  # what the pipeline decoded: the callback runs after the last step
        pixels = (images * 255).round().astype(np.uint8)  # diffusers' numpy_to_pil
        flat = latents.numpy().astype(np.float64)
        return pixels, {
            "tokenIds": ids,
            "unetTimesteps": unet.seen_timesteps,  # one per UNet call, before any truncation to int64
            "latents": {"dims": list(latents.shape), "first16": f32list(latents.reshape(-1)[:16]),
                        "sum": float(flat.sum()), "absSum": float(np.abs(flat).sum())},
            "perStep": steps_seen,
            "pixelStats": {"mean": float(pixels.mean()), "std": float(pixels.std()),
                           "saturated": float(((pixels == 0) | (pixels == 255)).mean())},
        }


def main(out_dir):
    diffusers = fixture.diffusers_env()
    import numpy as np
    import PIL.Image
    import torch

    os.makedirs(out_dir, exist_ok=True)
    init_path = os.path.join(out_dir, INIT_IMAGE)
    PIL.Image.fromarray(init_image()).save(init_path)
    mask_path = os.path.join(out_dir, MASK_IMAGE)
    PIL.Image.fromarray(mask_image(), mode="L").save(mask_path)
    runner = Runner(diffusers)
    cases = []
    for case in plan():
        pixels, record = runner.run(case, init_path, mask_path)
        names = []
        for b, image in enumerate(pixels):
            name = f"{case['id']}-{b}.png" if len(pixels) > 1 else f"{case['id']}.png"
            PIL.Image.fromarray(image).save(os.path.join(out_dir, name))
            names.append(name)
        if case["mode"] in ("img2img", "inpaint"):
            case["initImage"] = INIT_IMAGE
        if case["mode"] == "inpaint":  # the engine settings that give diffusers' output: no blur, no paste-back
            case.update(mask=MASK_IMAGE, maskBlur=0, keepDecoded=True)
        cases.append({**case, "images": names, **record})
        print(f"{case['id']:28s} pixels mean {record['pixelStats']['mean']:6.1f} std "
              f"{record['pixelStats']['std']:5.1f} saturated {record['pixelStats']['saturated']:.3f}")
    capability = [line.strip() for line in torch.__config__.show().splitlines() if "CPU capability" in line]
    index = {
        "generatedBy": {
            "script": SCRIPT,
            "command": f"DIFFUSERS_SRC=<diffusers v0.40.0>/src /usr/bin/python3 {SCRIPT} {out_dir}",
            "models": "tools/reference/make_fixture_models.py (same seeds: the torch modules here are the ones "
                      "exported there)",
            "diffusers": diffusers.__version__,
            "torch": torch.__version__,
            "numpy": f"{np.__version__} with NEP 50 (weak) promotion",
            "python": platform.python_version(),
            "cpu": " ".join(capability),
        },
        "tolerance": {
            "images": "every 8-bit channel within 3 levels, >= 99 % within 1 level (engine-semantics.md); for "
                      "tiny-sd-fp16 too, against the tiny-sd cases (same weights)",
            "latents": "suggested: fp32 |x - ref| <= 1e-3 * max(1, |ref|) for first16 and "
                       "|sum - ref| <= 1e-4 * absSum; tiny-sd-fp16 against the tiny-sd cases: 0.1 * max(1, |ref|) "
                       "and 2e-3 * absSum",
            "observed": "the engine's pipeline on onnxruntime-node 1.30 CPU when these were made: fp32 images max 1 "
                        "level, 0 % above 1; first16 within 9e-5 relative, sums within 2e-6 of absSum; fp16 images "
                        "max 1 level, 0 % above 1; first16 within 3.2e-2 relative, sums within 2.5e-4 of absSum",
        },
        "images": "PNG, 8-bit RGB, lossless; decoded output as round(clip(x/2+0.5, 0, 1)*255), half to even",
        "latents": "the final latents before decoding (not divided by scaling_factor): first 16 values in C order, "
                   "their sum and sum of |x| in float64",
        "unetTimesteps": "the timestep of every UNet call as the scheduler gives it (the int64 models see it "
                         "truncated)",
        "perStep": "after each loop step (callback_on_step_end): its timestep and the float64 sum of the latents",
        "tokenizer": {
            "note": "ids of every prompt used, from the fixture tokenizer (bos, ids, eos, pad to 77)",
            "examples": {pad: {text: fixture.load_tokenizer(pad).encode(text)
                               for text in (PROMPT, NEGATIVE, "", "a photo of the cat on a red square",
                                            "  Circles!!  RED\tcat's ")}
                         for pad in (fixture.EOS, "!")},
        },
        "cases": cases,
    }
    fixture.write_json(os.path.join(out_dir, "index.json"), index)
    print(f"wrote {len(cases)} cases to {out_dir}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src-main/engine/test-fixtures/references")
