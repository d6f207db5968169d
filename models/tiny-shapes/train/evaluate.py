"""Evaluation of tiny-shapes with the torch modules: a fixed grid of prompts x seeds, sampled with the studio's
default scheduler (PNDM with skip_prk_steps, 20 steps, guidance 7.5, one CPU torch generator per image), scored by
image analysis (analysis.py)."""
import json
import os
import random
import time

import numpy as np
import torch

import analysis
import pngio
import world
from sampling import txt2img
from tokenizer import Tokenizer
from train import load_model, load_npz


def cases(quick=False):
    """-> list of dicts: group, prompt, negative, seed, guidance, concept, expect."""
    rng = random.Random(2024)
    out = []
    add = lambda group, prompt, seed, expect, negative='', guidance=7.5, concept=False: out.append(dict(
        group=group, prompt=prompt, negative=negative, seed=seed, guidance=guidance, concept=concept, expect=expect))
    seeds = [0] if quick else [0, 1]
    combos = [(c, s) for s in world.SHAPES for c in world.COLOR_NAMES if (c, s) not in world.HELD_OUT]
    for c, s in combos:
        for seed in seeds:
            add('color_shape', f'a {c} {s}', seed, dict(color=c, shape=s))
    for c, s in combos[::2 if quick else 1][:24 if quick else 40]:
        add('guidance_1', f'a {c} {s}', 0, dict(color=c, shape=s), guidance=1.0)
    for p in world.POSITIONS:
        for seed in range(2 if quick else 4):
            c, s = rng.choice(combos)
            add('position', f'a {c} {s} at the {p}', 100 + seed, dict(color=c, shape=s, position=p))
    for i in range(12 if quick else 24):
        (c1, s1), (c2, s2) = rng.choice(combos), rng.choice(combos)
        add('two_objects', f'a {c1} {s1} and a {c2} {s2}', 200 + i, dict(left=(c1, s1), right=(c2, s2)))
    for c, s in world.HELD_OUT:
        for seed in range(4 if quick else 8):
            add('held_out', f'a {c} {s}', 300 + seed, dict(color=c, shape=s))
    for seed in range(16 if quick else 32):
        add('negative_none', 'a circle', 400 + seed, dict(shape='circle'))
        add('negative_red', 'a circle', 400 + seed, dict(shape='circle'), negative='red')
    for seed in range(8 if quick else 16):
        add('concept', 'a red heart', 500 + seed, dict(color='red', shape='heart'), concept=True)
        add('concept_baseline', 'a red heart', 500 + seed, dict(color='red', shape='heart'))
    return out


def score(case, d):
    e, objs = case['expect'], d['objects']
    if case['group'] == 'two_objects':
        two = sorted(objs[:2], key=lambda o: o['cx'])
        ok = len(two) == 2 and all(o['color'] == c and o['shape'] == s for o, (c, s) in zip(two, (e['left'], e['right'])))
        return dict(ok=ok)
    if not objs:
        return dict(color=False, shape=False, position=False, ok=False)
    o = objs[0]
    r = dict(color=o['color'] == e.get('color', o['color']), shape=o['shape'] == e['shape'])
    if 'position' in e:
        r['position'] = o['position'] == e['position']
    r['red'] = o['color'] == 'red'
    r['ok'] = all(v for k, v in r.items() if k != 'red')
    return r


def summarize(results):
    by = {}
    for r in results:
        by.setdefault(r['group'], []).append(r['score'])
    mean = lambda g, k: round(float(np.mean([s[k] for s in by[g]])), 3) if g in by else None
    return {
        'n_images': len(results),
        'color_accuracy': mean('color_shape', 'color'),
        'shape_accuracy': mean('color_shape', 'shape'),
        'color_and_shape_accuracy': mean('color_shape', 'ok'),
        'position_accuracy': mean('position', 'position'),
        'position_all_attributes_accuracy': mean('position', 'ok'),
        'two_object_accuracy': mean('two_objects', 'ok'),
        'held_out_accuracy': mean('held_out', 'ok'),
        'held_out_color_accuracy': mean('held_out', 'color'),
        'held_out_shape_accuracy': mean('held_out', 'shape'),
        'negative_prompt': {'red_circles_without_negative': mean('negative_none', 'red'),
                            'red_circles_with_negative_red': mean('negative_red', 'red'),
                            'circles_with_negative_red': mean('negative_red', 'shape')},
        'guidance': {'g1_color_and_shape': mean('guidance_1', 'ok'),
                     'g7.5_color_and_shape_same_prompts': None},
        'concept': {'heart_shape_with_concept': mean('concept', 'shape'),
                    'red_with_concept': mean('concept', 'color'),
                    'heart_shape_without_concept': mean('concept_baseline', 'shape')},
    }


def run(work, out_dir, device='cpu', quick=False, batch=64, sampler='ddim', groups=None, guidance=None):
    """guidance: replaces 7.5 in every case that uses it (to chart where a sampler is stable)."""
    t0 = time.time()
    dev = torch.device(device)
    tok = Tokenizer(os.path.join(work, 'tokenizer'))
    vae, extra = load_model('vae', work)
    sf = float(extra['__scaling_factor'])
    text, _ = load_model('text', work, vocab_size=tok.size, eos_token_id=tok.eos)
    unet, _ = load_model('unet', work)
    vae, text, unet = vae.to(dev), text.to(dev), unet.to(dev)
    emb = load_npz(os.path.join(work, 'concept.npz'))['emb_params'].to(dev)
    concepts = {'heart': [tok.size, tok.size + 1]}
    only = groups
    todo = [c for c in cases(quick) if only is None or c['group'] in only]
    if guidance is not None:
        todo = [dict(c, guidance=guidance if c['guidance'] == 7.5 else c['guidance']) for c in todo]
    results, images = [], []
    keyf = lambda c: (c['guidance'], c['concept'], c['negative'] != '')
    groups = {}
    for i, c in enumerate(todo):
        groups.setdefault(keyf(c), []).append(i)
    imgs = [None] * len(todo)
    for (g, conc, _), idx in groups.items():
        sub = [todo[i] for i in idx]
        x = txt2img(unet, vae, text, tok, [c['prompt'] for c in sub], [c['seed'] for c in sub], sf,
                    negatives=[c['negative'] for c in sub], guidance=g, concepts=concepts if conc else None,
                    extra=emb if conc else None, device=dev, batch=batch, sampler=sampler)
        for i, im in zip(idx, x):
            imgs[i] = pngio.to_uint8(im.numpy())
    for c, im in zip(todo, imgs):
        d = analysis.describe(im)
        results.append(dict(c, found=d, score=score(c, d)))
    summary = summarize(results)
    g1 = [r for r in results if r['group'] == 'guidance_1']
    same = {r['prompt'] for r in g1}
    ref = [r['score']['ok'] for r in results if r['group'] == 'color_shape' and r['prompt'] in same and r['seed'] == 0]
    summary['guidance']['g7.5_color_and_shape_same_prompts'] = round(float(np.mean(ref)), 3) if ref else None
    summary['seconds'] = round(time.time() - t0, 1)
    summary['device'] = str(dev) + (' ' + torch.cuda.get_device_name() if dev.type == 'cuda' else '')
    summary['torch'] = torch.__version__
    summary['quick'] = quick
    summary['sampler'] = f'{sampler} 20 steps'
    summary['guidance_override'] = guidance
    os.makedirs(out_dir, exist_ok=True)
    tag = ('' if sampler == 'pndm' else '-' + sampler) + ('' if guidance is None else f'-g{guidance:g}')
    tag += '' if only is None else '-' + '+'.join(sorted(only))
    with open(os.path.join(out_dir, f'eval{tag}.json'), 'w') as f:
        json.dump({'summary': summary, 'cases': [{k: v for k, v in r.items() if k != 'expect'} for r in results]},
                  f, indent=1)
    pngio.write_png(os.path.join(out_dir, f'eval{tag}-grid.png'), pngio.grid(imgs, 16))
    return summary, imgs, results
