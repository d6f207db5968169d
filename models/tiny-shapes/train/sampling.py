"""SD 1.5's scaled-linear noise schedule, diffusers' PNDMScheduler with skip_prk_steps (PLMS) and DDIMScheduler
(eta 0), step for step, plus the classifier-free-guided txt2img loop the studio runs (diffusers' order of
operations)."""
import numpy as np
import torch

# The model's default sampler is DDIM: PLMS's four-step extrapolation amplifies this small UNet's errors at high
# noise into blotches (measured in the model card), while DDIM and Euler ancestral give clean shapes. The schedule
# itself (betas, spacing, offset) is SD 1.5's.
SCHEDULER_CONFIG = {
    '_class_name': 'DDIMScheduler',
    '_diffusers_version': '0.40.0',
    'beta_end': 0.012,
    'beta_schedule': 'scaled_linear',
    'beta_start': 0.00085,
    'clip_sample': False,
    'num_train_timesteps': 1000,
    'prediction_type': 'epsilon',
    'set_alpha_to_one': False,
    'skip_prk_steps': True,
    'steps_offset': 1,
    'timestep_spacing': 'leading',
    'trained_betas': None,
}


def alphas_cumprod(cfg=SCHEDULER_CONFIG):
    betas = torch.linspace(cfg['beta_start'] ** 0.5, cfg['beta_end'] ** 0.5, cfg['num_train_timesteps'],
                           dtype=torch.float32) ** 2
    return torch.cumprod(1.0 - betas, dim=0)


class PNDM:
    """diffusers.PNDMScheduler (skip_prk_steps=True, timestep_spacing='leading', epsilon prediction)."""

    def __init__(self, steps, cfg=SCHEDULER_CONFIG):
        self.cfg = cfg
        self.ac = alphas_cumprod(cfg)
        self.final_alpha_cumprod = torch.tensor(1.0) if cfg['set_alpha_to_one'] else self.ac[0]
        self.n = steps
        ratio = cfg['num_train_timesteps'] // steps
        ts = (np.arange(0, steps) * ratio).round() + cfg['steps_offset']
        self.timesteps = np.concatenate([ts[:-1], ts[-2:-1], ts[-1:]])[::-1].astype(np.int64).copy()
        self.ets, self.counter, self.cur_sample = [], 0, None
        self.init_noise_sigma = 1.0

    def _prev_sample(self, sample, t, prev_t, eps):
        a_t = self.ac[t]
        a_prev = self.ac[prev_t] if prev_t >= 0 else self.final_alpha_cumprod
        b_t, b_prev = 1 - a_t, 1 - a_prev
        sample_coeff = (a_prev / a_t) ** 0.5
        denom = a_t * b_prev ** 0.5 + (a_t * b_t * a_prev) ** 0.5
        return sample_coeff * sample - (a_prev - a_t) * eps / denom

    def step(self, eps, t, sample):
        t = int(t)
        prev_t = t - self.cfg['num_train_timesteps'] // self.n
        if self.counter != 1:
            self.ets = self.ets[-3:]
            self.ets.append(eps)
        else:
            prev_t = t
            t = t + self.cfg['num_train_timesteps'] // self.n
        if len(self.ets) == 1 and self.counter == 0:
            self.cur_sample = sample
        elif len(self.ets) == 1 and self.counter == 1:
            eps = (eps + self.ets[-1]) / 2
            sample = self.cur_sample
            self.cur_sample = None
        elif len(self.ets) == 2:
            eps = (3 * self.ets[-1] - self.ets[-2]) / 2
        elif len(self.ets) == 3:
            eps = (23 * self.ets[-1] - 16 * self.ets[-2] + 5 * self.ets[-3]) / 12
        else:
            eps = (1 / 24) * (55 * self.ets[-1] - 59 * self.ets[-2] + 37 * self.ets[-3] - 9 * self.ets[-4])
        prev = self._prev_sample(sample, t, prev_t, eps)
        self.counter += 1
        return prev


class DDIM:
    """diffusers.DDIMScheduler (eta 0, timestep_spacing='leading', no clipping, epsilon prediction)."""

    def __init__(self, steps, cfg=SCHEDULER_CONFIG):
        self.cfg = cfg
        self.ac = alphas_cumprod(cfg)
        self.final_alpha_cumprod = torch.tensor(1.0) if cfg['set_alpha_to_one'] else self.ac[0]
        self.ratio = cfg['num_train_timesteps'] // steps
        self.timesteps = ((np.arange(0, steps) * self.ratio).round()[::-1] + cfg['steps_offset']).astype(np.int64)
        self.init_noise_sigma = 1.0

    def step(self, eps, t, sample):
        t = int(t)
        prev_t = t - self.ratio
        a_t = self.ac[t]
        a_prev = self.ac[prev_t] if prev_t >= 0 else self.final_alpha_cumprod
        x0 = (sample - (1 - a_t) ** 0.5 * eps) / a_t ** 0.5
        return a_prev ** 0.5 * x0 + (1 - a_prev) ** 0.5 * eps


SAMPLERS = {'pndm': PNDM, 'ddim': DDIM}


def initial_latents(seeds, shape=(4, 16, 16)):
    """One CPU torch.Generator per image, as the studio does for a batch of one."""
    return torch.cat([torch.randn((1,) + tuple(shape), generator=torch.Generator('cpu').manual_seed(int(s)))
                      for s in seeds])


@torch.no_grad()
def txt2img(unet, vae, text, tok, prompts, seeds, scaling_factor, negatives=None, guidance=7.5, steps=20,
            concepts=None, extra=None, device='cpu', batch=64, sampler='pndm'):
    """-> float images [N,3,128,128] in [-1,1] (decode of latents / scaling_factor)."""
    out = []
    for i in range(0, len(prompts), batch):
        p = prompts[i:i + batch]
        n = (negatives or [''] * len(prompts))[i:i + batch]
        lat = initial_latents(seeds[i:i + batch]).to(device)
        cfg = guidance > 1
        ids = [tok(x, concepts) for x in ((n + p) if cfg else p)]
        ctx = text(torch.tensor(ids, device=device), extra)[0]
        sched = SAMPLERS[sampler](steps)
        lat = lat * sched.init_noise_sigma
        for t in sched.timesteps:
            tt = torch.tensor([int(t)], device=device)
            if cfg:
                e = unet(torch.cat([lat, lat]), tt, ctx)
                eu, ec = e.chunk(2)
                e = eu + guidance * (ec - eu)
            else:
                e = unet(lat, tt, ctx)
            lat = sched.step(e, t, lat)
        out.append(vae.decode(lat / scaling_factor).float().cpu())
    return torch.cat(out)
