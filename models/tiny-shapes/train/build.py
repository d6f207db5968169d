#!/usr/bin/env python3
"""Rebuilds models/tiny-shapes from nothing: tokenizer -> VAE -> text encoder + UNet -> heart concept -> ONNX export
-> evaluation. Resumable: a stage whose output exists in the work folder is skipped, an interrupted training stage
resumes from its checkpoint. Fixed seeds throughout.

    /usr/bin/python3 models/tiny-shapes/train/build.py             # everything, on a GPU if there is one
    /usr/bin/python3 models/tiny-shapes/train/build.py --stages export,eval --quick-eval

Intermediate files live in models/tiny-shapes/train/.work/ (git-ignored)."""
import argparse
import json
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
MODEL_DIR = os.path.dirname(HERE)
STAGES = ['tokenizer', 'vae', 'diffusion', 'concept', 'export', 'eval']

# The shipped weights: what the GPU run (one NVIDIA H200, torch 2.x, bf16 autocast) used: VAE 1,796 steps in 104 s,
# text encoder + UNet 5,280 steps in 500 s (run as 330 s, then resumed from the 300 s checkpoint to 500 s). A stage
# stops at its step count or its time budget, whichever comes first; on a GPU the time budget ends it.
DEFAULTS = dict(vae_steps=100000, vae_seconds=100, vae_batch=64,
                diffusion_steps=1000000, diffusion_seconds=500, diffusion_batch=512,
                concept_steps=4000, concept_seconds=45, concept_batch=64)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--stages', default=','.join(STAGES))
    ap.add_argument('--work', default=os.path.join(HERE, '.work'))
    ap.add_argument('--out', default=MODEL_DIR, help='model folder to export to')
    ap.add_argument('--device', default='auto')
    ap.add_argument('--workers', type=int, default=None, help='data worker processes (default: 0 on CPU, 6 on GPU)')
    ap.add_argument('--publish', default=None, help='copy weights (.npz), log and evaluation here as they appear')
    ap.add_argument('--quick-eval', action='store_true', help='half the evaluation grid (for CPU)')
    ap.add_argument('--eval-dir', default=None, help='where eval.json and eval-grid.png go (default: work folder)')
    ap.add_argument('--threads', type=int, default=None, help='torch CPU threads')
    ap.add_argument('--concept-init', default=None, help='start the concept from this .npz (emb_params) instead of '
                    'the embeddings of "circle" and "triangle" (to continue a concept, e.g. on the CPU)')
    ap.add_argument('--concept-lr', type=float, default=5e-3)
    ap.add_argument('--concept-seed', type=int, default=3)
    for k, v in DEFAULTS.items():
        ap.add_argument('--' + k.replace('_', '-'), type=type(v), default=v)
    a = ap.parse_args(argv)

    import torch
    if a.threads:
        torch.set_num_threads(a.threads)
    dev = torch.device('cuda' if a.device == 'auto' and torch.cuda.is_available() else
                       ('cpu' if a.device == 'auto' else a.device))
    if dev.type == 'cuda':
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
    workers = a.workers if a.workers is not None else (6 if dev.type == 'cuda' else 0)
    os.makedirs(a.work, exist_ok=True)

    import train
    from train import has_npz, log
    stages = a.stages.split(',')
    log(a.work, 'build', stages=stages, device=str(dev), torch=torch.__version__,
        gpu=torch.cuda.get_device_name() if dev.type == 'cuda' else None, args=vars(a))
    tok_dir = os.path.join(a.work, 'tokenizer')
    w = a.work
    t0 = time.time()

    def mirror_log():
        if a.publish:
            shutil.copy(os.path.join(w, 'log.jsonl'), os.path.join(a.publish, 'log.jsonl'))

    if 'tokenizer' in stages and not os.path.exists(os.path.join(tok_dir, 'merges.txt')):
        import tokenizer
        n, m = tokenizer.build(tok_dir)
        log(w, 'tokenizer done', vocab=n, merges=m)
    def guarded(name, fn, seconds, **kw):
        """Runs a training stage; if it fails (a fast path of this torch/GPU, data workers), logs why and retries
        once in the plain configuration with the time that is left."""
        start = time.time()
        try:
            return fn(seconds=seconds, **kw)
        except Exception as e:  # noqa: BLE001 - any failure gets one plain retry
            import traceback
            import models
            log(w, name + ' failed, retrying without autocast/fused attention/workers', error=repr(e),
                trace=traceback.format_exc()[-2000:])
            train.AMP, models.USE_SDPA = False, False
            if 'workers' in kw:
                kw['workers'] = 0
            for p in [os.path.join(w, name + '.ckpt.pt')]:
                if os.path.exists(p):
                    os.remove(p)
            return fn(seconds=max(10.0, seconds - (time.time() - start)), **kw)

    if 'vae' in stages and not has_npz(os.path.join(w, 'vae.npz')):
        guarded('vae', lambda **kw: train.train_vae(w, dev, a.vae_steps, batch=a.vae_batch, publish_to=a.publish, **kw),
                a.vae_seconds, workers=workers)
        mirror_log()
    if 'diffusion' in stages and not has_npz(os.path.join(w, 'unet.npz')):
        guarded('diffusion', lambda **kw: train.train_diffusion(w, dev, a.diffusion_steps, batch=a.diffusion_batch,
                                                                 publish_to=a.publish, **kw),
                a.diffusion_seconds, workers=workers)
        mirror_log()
    if 'concept' in stages and not has_npz(os.path.join(w, 'concept.npz')):
        init = train.load_npz(a.concept_init)['emb_params'] if a.concept_init else None
        guarded('concept', lambda **kw: train.train_concept(w, dev, a.concept_steps, batch=a.concept_batch,
                                                             lr=a.concept_lr, seed=a.concept_seed, init=init,
                                                             publish_to=a.publish, **kw), a.concept_seconds)
        mirror_log()
    if 'export' in stages:
        import export
        ref = export.export_all(w, a.out)
        with open(os.path.join(w, 'onnx-reference.json'), 'w') as f:
            json.dump(ref, f)
        log(w, 'export done', out=a.out)
    if 'eval' in stages:
        import evaluate
        summary = evaluate.run(w, a.eval_dir or a.publish or w, device=str(dev), quick=a.quick_eval)[0]
        log(w, 'eval done', summary=summary)
        mirror_log()
    log(w, 'build finished', seconds=round(time.time() - t0, 1))
    mirror_log()


if __name__ == '__main__':
    main()
