"""Training stages of tiny-shapes: the KL autoencoder, then the text encoder + UNet (epsilon prediction on SD 1.5's
schedule, 10% empty-prompt dropout), then the heart textual-inversion concept with everything else frozen.

Each stage stops at a step count or a wall-clock budget (whichever comes first), checkpoints as it goes (resumable)
and finally writes its weights as .npz state dicts (version-neutral: torch 2.x trains, torch 1.13 exports)."""
import contextlib
import glob
import json
import math
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F

import models
import world
from sampling import alphas_cumprod
from tokenizer import Tokenizer

SHARD_BYTES = 12 << 20  # the GPU machine returns files of at most 16 MiB


def log(work, msg, **kv):
    line = json.dumps(dict(t=round(time.time(), 1), msg=msg, **kv))
    print(line, flush=True)
    with open(os.path.join(work, 'log.jsonl'), 'a') as f:
        f.write(line + '\n')


# ------------------------------------------------------------------------------------------------ weights i/o

def save_npz(state, path):
    """state dict -> path (or path.0.npz, path.1.npz, ... when larger than SHARD_BYTES), written atomically."""
    arrays = {k: v.detach().float().cpu().numpy() for k, v in state.items()}
    shards, cur, size = [], {}, 0
    for k, a in arrays.items():
        if cur and size + a.nbytes > SHARD_BYTES:
            shards.append(cur)
            cur, size = {}, 0
        cur[k] = a
        size += a.nbytes
    shards.append(cur)
    base = path[:-4]
    for old in [path] + glob.glob(base + '.[0-9]*.npz'):
        if os.path.exists(old):
            os.remove(old)
    names = [path] if len(shards) == 1 else [f'{base}.{i}.npz' for i in range(len(shards))]
    for name, shard in zip(names, shards):
        tmp = name + '.tmp.npz'
        np.savez(tmp, **shard)
        os.replace(tmp, name)
    return names


def load_npz(path):
    base = path[:-4]
    names = [path] if os.path.exists(path) else sorted(glob.glob(base + '.[0-9]*.npz'))
    if not names:
        raise FileNotFoundError(path)
    state = {}
    for n in names:
        with np.load(n) as z:
            state.update({k: torch.from_numpy(z[k].copy()) for k in z.files})
    return state


def has_npz(path):
    return os.path.exists(path) or bool(glob.glob(path[:-4] + '.[0-9]*.npz'))


def load_model(kind, work, **cfg):
    m = models.build(kind, **cfg)
    state = load_npz(os.path.join(work, kind + '.npz'))
    extra = {k: state.pop(k) for k in list(state) if k.startswith('__')}
    m.load_state_dict(state)
    return m.eval(), extra


# ---------------------------------------------------------------------------------------------------- data

class Scenes(torch.utils.data.IterableDataset):
    """Endless batches of (token ids, background, objects, strokes, stroke flags), rendered later on the device."""

    def __init__(self, tok_dir, batch, seed, strokes=0.0):
        self.tok_dir, self.batch, self.seed, self.strokes = tok_dir, batch, seed, strokes

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        rng = random.Random(self.seed * 1000 + (info.id if info else 0))
        tok = Tokenizer(self.tok_dir)
        while True:
            scenes = [world.training_scene(rng) for _ in range(self.batch)]
            captions, bg, objs = world.pack(scenes)
            ids = torch.tensor([tok(c) for c in captions], dtype=torch.long)
            st = world.strokes(rng, self.batch)
            active = torch.tensor([float(rng.random() < self.strokes) for _ in range(self.batch)])
            yield ids, bg, objs, st, active


def batches(tok_dir, batch, seed, workers, strokes=0.0):
    ds = Scenes(tok_dir, batch, seed, strokes)
    if workers == 0:
        return iter(ds)
    return iter(torch.utils.data.DataLoader(ds, batch_size=None, num_workers=workers, prefetch_factor=4,
                                            persistent_workers=True))


# ------------------------------------------------------------------------------------------------- helpers

class Budget:
    """Stops a stage at max_steps or max_seconds (accumulated over resumes); lr schedule by progress."""

    def __init__(self, max_steps, max_seconds, elapsed=0.0):
        self.max_steps, self.max_seconds = max_steps, max_seconds
        self.start = time.time() - elapsed

    @property
    def elapsed(self):
        return time.time() - self.start

    def progress(self, step):
        return min(1.0, max(step / self.max_steps, self.elapsed / self.max_seconds))

    def done(self, step):
        return step >= self.max_steps or self.elapsed >= self.max_seconds


def lr_at(base, step, progress, warmup):
    return base * min(1.0, (step + 1) / warmup) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))


AMP = True  # bf16 autocast on CUDA; build.py turns it off if a stage fails with it


def autocast(dev):
    if dev.type == 'cuda' and AMP:
        return torch.autocast('cuda', dtype=torch.bfloat16)
    return contextlib.nullcontext()


def adamw(params, lr, wd, dev):
    kw = dict(lr=lr, betas=(0.9, 0.99), weight_decay=wd)
    if dev.type == 'cuda':
        try:
            return torch.optim.AdamW(params, fused=True, **kw)
        except (TypeError, RuntimeError):
            pass
    return torch.optim.AdamW(params, **kw)


def edge_weight(x):
    """1 + 4 near edges of the target image (anti-aliased boundaries are where a blurry decoder loses most)."""
    g = torch.zeros_like(x[:, :1])
    g[:, :, :, 1:] = (x[:, :, :, 1:] - x[:, :, :, :-1]).abs().amax(1, keepdim=True)
    g[:, :, 1:, :] = torch.maximum(g[:, :, 1:, :], (x[:, :, 1:, :] - x[:, :, :-1, :]).abs().amax(1, keepdim=True))
    edge = F.max_pool2d((g > 0.05).float(), 5, stride=1, padding=2)
    return 1 + 4 * edge


def checkpoint(path, **state):
    tmp = path + '.tmp'
    torch.save(state, tmp)
    os.replace(tmp, path)


def publish(work, names, to):
    """Copy finished/intermediate weight files to `to` (the GPU machine's $OUT), atomically."""
    if not to:
        return
    os.makedirs(to, exist_ok=True)
    for n in list(names) + [os.path.join(work, 'log.jsonl')]:
        dst = os.path.join(to, os.path.basename(n))
        with open(n, 'rb') as f, open(dst + '.tmp', 'wb') as g:
            g.write(f.read())
        os.replace(dst + '.tmp', dst)


# ------------------------------------------------------------------------------------------------------- VAE

def train_vae(work, dev, steps, seconds, batch=64, lr=5e-4, workers=0, seed=1, kl_weight=1e-6, publish_to=None,
              ckpt_every=60.0):
    torch.manual_seed(seed)
    vae = models.build('vae').to(dev)
    opt = adamw(vae.parameters(), lr, 0.0, dev)
    ck = os.path.join(work, 'vae.ckpt.pt')
    step, elapsed = 0, 0.0
    if os.path.exists(ck):
        s = torch.load(ck, map_location=dev)
        vae.load_state_dict(s['model'])
        opt.load_state_dict(s['opt'])
        step, elapsed = s['step'], s['elapsed']
        log(work, 'vae resume', step=step)
    budget = Budget(steps, seconds, elapsed)
    data = batches(os.path.join(work, 'tokenizer'), batch, seed * 7919 + step, workers, strokes=0.3)
    last_ck, acc = time.time(), []
    n_pix = 3 * world.SIZE * world.SIZE
    while not budget.done(step):
        for g in opt.param_groups:
            g['lr'] = lr_at(lr, step, budget.progress(step), 200)
        _, bg, objs, st, active = next(data)
        with torch.no_grad():
            x = world.paint_strokes(world.render(bg.to(dev), objs.to(dev)), st, active)
            w = edge_weight(x)
        with autocast(dev):
            mean, logvar = vae.encode(x)
            z = mean + torch.exp(0.5 * logvar) * torch.randn_like(mean)
            y = vae.decode(z).float()
        mean, logvar = mean.float(), logvar.float()
        rec = (w * (y - x).abs()).mean() + ((y - x) ** 2).mean()
        kl = 0.5 * (mean ** 2 + logvar.exp() - 1 - logvar).sum(dim=(1, 2, 3)).mean()
        loss = rec + kl_weight * kl / n_pix * 1.0
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(vae.parameters(), 1.0)
        opt.step()
        step += 1
        if step % 100 == 0:
            acc.append((rec.item(), kl.item()))
            log(work, 'vae', step=step, rec=round(acc[-1][0], 5), kl=round(acc[-1][1], 1), s=round(budget.elapsed, 1))
        if time.time() - last_ck > ckpt_every:
            checkpoint(ck, model=vae.state_dict(), opt=opt.state_dict(), step=step, elapsed=budget.elapsed)
            last_ck = time.time()
    vae.eval()
    sf, mu = latent_stats(vae, dev, work, n=2048 if dev.type == 'cuda' else 256)
    state = dict(vae.state_dict(), __scaling_factor=torch.tensor(sf), __latent_mean=torch.tensor(mu),
                 __steps=torch.tensor(step), __seconds=torch.tensor(budget.elapsed))
    names = save_npz(state, os.path.join(work, 'vae.npz'))
    publish(work, names, publish_to)
    log(work, 'vae done', step=step, seconds=round(budget.elapsed, 1), scaling_factor=sf, batch=batch)
    return vae, sf


@torch.no_grad()
def latent_stats(vae, dev, work, n=2048, seed=12345):
    """scaling_factor = 1 / std of the posterior means over freshly generated training images (SD's recipe)."""
    rng = random.Random(seed)
    means = []
    for i in range(0, n, 256):
        _, bg, objs = world.pack([world.training_scene(rng) for _ in range(min(256, n - i))])
        means.append(vae.encode(world.render(bg.to(dev), objs.to(dev)))[0].float())
    z = torch.cat(means)
    return float(1.0 / z.std()), float(z.mean())


# ------------------------------------------------------------------------------------- text encoder + UNet

def _ema_update(ema, params, decay):
    with torch.no_grad():
        p = [q.detach().float() for q in params]
        if hasattr(torch, '_foreach_lerp_'):
            torch._foreach_lerp_(ema, p, 1 - decay)
        else:
            torch._foreach_mul_(ema, decay)
            torch._foreach_add_(ema, p, alpha=1 - decay)


def train_diffusion(work, dev, steps, seconds, batch=512, lr=5e-4, workers=0, seed=2, p_uncond=0.1,
                    publish_to=None, ckpt_every=60.0, publish_every=90.0):
    vae, extra = load_model('vae', work)
    vae = vae.to(dev)
    for p in vae.parameters():
        p.requires_grad_(False)
    sf = float(extra['__scaling_factor'])
    tok = Tokenizer(os.path.join(work, 'tokenizer'))
    torch.manual_seed(seed)
    text = models.build('text', vocab_size=tok.size, eos_token_id=tok.eos).to(dev)
    unet = models.build('unet').to(dev)
    params = list(text.parameters()) + list(unet.parameters())
    names = [f'text.{k}' for k, _ in text.named_parameters()] + [f'unet.{k}' for k, _ in unet.named_parameters()]
    ema = [p.detach().clone().float() for p in params]
    opt = adamw(params, lr, 0.01, dev)
    ck = os.path.join(work, 'diffusion.ckpt.pt')
    step, elapsed = 0, 0.0
    if os.path.exists(ck):
        s = torch.load(ck, map_location=dev)
        text.load_state_dict(s['text'])
        unet.load_state_dict(s['unet'])
        opt.load_state_dict(s['opt'])
        for e, v in zip(ema, s['ema']):
            e.copy_(v)
        step, elapsed = s['step'], s['elapsed']
        log(work, 'diffusion resume', step=step)
    budget = Budget(steps, seconds, elapsed)
    ac = alphas_cumprod().to(dev)
    empty = torch.tensor(tok(''), device=dev)
    data = batches(os.path.join(work, 'tokenizer'), batch, seed * 7919 + step, workers)
    last_ck = last_pub = time.time()
    gen = torch.Generator(device=dev).manual_seed(seed * 31 + step)

    def save_weights(final):
        state_t = {k[5:]: e for k, e in zip(names, ema) if k.startswith('text.')}
        state_u = {k[5:]: e for k, e in zip(names, ema) if k.startswith('unet.')}
        out = save_npz(dict(state_t), os.path.join(work, 'text.npz' if final else 'text.partial.npz'))
        out += save_npz(dict(state_u, __steps=torch.tensor(step), __seconds=torch.tensor(budget.elapsed)),
                        os.path.join(work, 'unet.npz' if final else 'unet.partial.npz'))
        return out

    while not budget.done(step):
        for g in opt.param_groups:
            g['lr'] = lr_at(lr, step, budget.progress(step), 500)
        ids, bg, objs, _, _ = next(data)
        ids, bg, objs = ids.to(dev, non_blocking=True), bg.to(dev, non_blocking=True), objs.to(dev, non_blocking=True)
        drop = torch.rand(ids.shape[0], device=dev, generator=gen) < p_uncond
        ids = torch.where(drop[:, None], empty[None], ids)
        with torch.no_grad(), autocast(dev):
            z = vae.encode(world.render(bg, objs))[0].float() * sf
        t = torch.randint(0, 1000, (ids.shape[0],), device=dev, generator=gen)
        noise = torch.randn(z.shape, device=dev, generator=gen)
        a = ac[t][:, None, None, None]
        zt = a.sqrt() * z + (1 - a).sqrt() * noise
        with autocast(dev):
            ctx = text(ids)[0]
            pred = unet(zt, t, ctx)
        loss = F.mse_loss(pred.float(), noise)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        _ema_update(ema, params, min(0.999, (1 + step) / (10 + step)))
        if step % 200 == 0:
            log(work, 'diffusion', step=step, loss=round(loss.item(), 5), s=round(budget.elapsed, 1))
        if time.time() - last_ck > ckpt_every:
            checkpoint(ck, text=text.state_dict(), unet=unet.state_dict(), opt=opt.state_dict(), ema=ema,
                       step=step, elapsed=budget.elapsed)
            last_ck = time.time()
        if publish_to and time.time() - last_pub > publish_every:
            publish(work, save_weights(False), publish_to)
            last_pub = time.time()
    out = save_weights(True)
    for p in glob.glob(os.path.join(work, '*.partial*.npz')):
        os.remove(p)
    if publish_to:
        for p in glob.glob(os.path.join(publish_to, '*.partial*.npz')):
            os.remove(p)
    publish(work, out, publish_to)
    log(work, 'diffusion done', step=step, seconds=round(budget.elapsed, 1), batch=batch)


# ------------------------------------------------------------------------------------ textual inversion

HEART_EXAMPLES = [  # colour, size, position, background: 8 example images, one per row
    ('red', None, 'center', 'blue'),
    ('blue', 'large', None, 'yellow'),
    ('green', None, 'top left', 'white'),
    ('yellow', 'small', 'bottom right', 'black'),
    ('purple', None, None, 'gray'),
    ('orange', 'large', 'center', 'green'),
    ('pink', None, 'top right', 'blue'),
    ('white', None, 'bottom left', 'red'),
]


def heart_examples(seed=4242):
    """-> list of (attributes, bg, objs) of the 8 example images (deterministic)."""
    rng = random.Random(seed)
    out = []
    for color, size, pos, bgc in HEART_EXAMPLES:
        _, bg, objs = world.single_scene(rng, shape='heart', color=color, size=size, position=pos, background=bgc)
        out.append(((color, size, pos, bgc), bg, objs))
    return out


def heart_caption(rng, attrs, flipped=False):
    color, size, pos, bgc = attrs
    if flipped and pos:
        pos = pos.replace('left', 'RIGHT').replace('right', 'left').replace('RIGHT', 'right')
    c = 'a'
    if size and rng.random() < 0.5:
        c += ' ' + size
    if rng.random() < 0.85:
        c += ' ' + color
    c += ' heart'
    if pos and rng.random() < 0.5:
        c += ' at the ' + pos
    if rng.random() < 0.5:
        c += ' on a ' + bgc + ' background'
    return c


def train_concept(work, dev, steps, seconds, batch=64, lr=5e-3, seed=3, publish_to=None,
                  init_words=('circle', 'triangle'), init=None, t_range=(100, 800)):
    vae, extra = load_model('vae', work)
    sf = float(extra['__scaling_factor'])
    tok = Tokenizer(os.path.join(work, 'tokenizer'))
    text, _ = load_model('text', work, vocab_size=tok.size, eos_token_id=tok.eos)
    unet, _ = load_model('unet', work)
    vae, text, unet = vae.to(dev), text.to(dev), unet.to(dev)
    for m in (vae, text, unet):
        for p in m.parameters():
            p.requires_grad_(False)
    ex = heart_examples()
    _, bg, objs = world.pack([(None, b, o) for _, b, o in ex])
    with torch.no_grad():
        img = world.render(bg.to(dev), objs.to(dev))
        img = torch.cat([img, img.flip(-1)])  # the heart is mirror-symmetric: flipped copies double the set
        z0 = vae.encode(img)[0].float() * sf
    if init is None:
        init = torch.stack([text.token_embedding.weight[tok.encode(w)[0]] for w in init_words]).clone()
    emb = torch.nn.Parameter(init.float().to(dev))
    opt = torch.optim.AdamW([emb], lr=lr, weight_decay=0.0)
    concepts = {'heart': [tok.size, tok.size + 1]}
    ac = alphas_cumprod().to(dev)
    rng = random.Random(seed)
    torch.manual_seed(seed)
    budget = Budget(steps, seconds)
    step = 0
    while not budget.done(step):
        for g in opt.param_groups:
            g['lr'] = lr_at(lr, step, budget.progress(step), 50)
        k = torch.randint(0, len(z0), (batch,))
        z = z0[k.to(dev)]
        ids = torch.tensor([tok(heart_caption(rng, ex[i % len(ex)][0], i >= len(ex)), concepts) for i in k.tolist()], device=dev)
        # Mid-range noise levels only: there the UNet decides the outline (high t: only placement and colour; low t:
        # only edges), and that is what the concept has to steer.
        t = torch.randint(t_range[0], t_range[1], (batch,), device=dev)
        noise = torch.randn_like(z)
        a = ac[t][:, None, None, None]
        with autocast(dev):
            pred = unet(a.sqrt() * z + (1 - a).sqrt() * noise, t, text(ids, emb)[0])
        loss = F.mse_loss(pred.float(), noise)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        if step % 100 == 0:
            log(work, 'concept', step=step, loss=round(loss.item(), 5), norm=round(emb.norm(dim=1).mean().item(), 3))
    names = save_npz({'emb_params': emb.detach(), '__steps': torch.tensor(step)}, os.path.join(work, 'concept.npz'))
    publish(work, names, publish_to)
    log(work, 'concept done', step=step, seconds=round(budget.elapsed, 1))
