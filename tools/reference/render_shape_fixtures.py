#!/usr/bin/python3
"""Labelled tiny-shapes scenes and analysis.py's verdicts on them, for the TypeScript port's tests.

Run from the repository root with Debian's python3-torch (1.13) and python3-numpy:
    /usr/bin/python3 tools/reference/render_shape_fixtures.py tools/model-eval/fixtures

Scenes are drawn by the training recipe's own renderer (models/tiny-shapes/train/world.py) and stored as 8-bit RGB
PNGs the way the studio stores generated images (pngio.to_uint8: clip, round half to even). labels.json holds, per
image, the ground truth (`expect`: the objects as drawn, largest first; absent for the stress scenes, which have no
single right answer) and analysis.describe's output (`analysis`), plus analysis.py's 32x32 shape templates as
row-major bit strings packed to hex (`templates`), so that the port can be checked template by template.
Stress scenes (noise, a speck under MIN_AREA, objects at the image border, more than three objects, soft edges,
a two-coloured border, a stripe along the top edge, two components of equal area)
exercise the parts of analysis.py that clean renders never reach.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'models', 'tiny-shapes', 'train'))
import analysis  # noqa: E402
import pngio  # noqa: E402
import world  # noqa: E402

SCRIPT = 'tools/reference/render_shape_fixtures.py'
NOISE_SEED = 7


def cell_centre(position, dx=0.0, dy=0.0):
    row, col = divmod(world.POSITIONS.index(position), 3)
    cell = world.SIZE / 3
    return (col + 0.5) * cell + dx, (row + 0.5) * cell + dy


def obj(shape, color, position, size=30.0, dx=0.0, dy=0.0):
    cx, cy = cell_centre(position, dx, dy)
    return dict(shape=shape, color=color, cx=cx, cy=cy, size=size)


def at(shape, color, cx, cy, size):
    return dict(shape=shape, color=color, cx=cx, cy=cy, size=size)


# name -> (background colour, objects, labelled?)
SCENES = {
    'red-circle-top-left': ('white', [obj('circle', 'red', 'top left')], True),
    'blue-square-bottom-right': ('yellow', [obj('square', 'blue', 'bottom right')], True),
    'green-triangle-center': ('pink', [obj('triangle', 'green', 'center', 36)], True),
    'orange-star-top': ('blue', [obj('star', 'orange', 'top', 38)], True),
    'purple-ring-right': ('white', [obj('ring', 'purple', 'right', 36)], True),
    'red-heart-center': ('white', [obj('heart', 'red', 'center', 40)], True),
    'pink-heart-bottom-left': ('gray', [obj('heart', 'pink', 'bottom left', 32)], True),
    'yellow-circle-bottom': ('black', [obj('circle', 'yellow', 'bottom', 28)], True),
    'white-square-left': ('green', [obj('square', 'white', 'left', 26, -3, 4)], True),
    'black-triangle-top-right': ('orange', [obj('triangle', 'black', 'top right', 34)], True),
    'gray-star-center': ('yellow', [obj('star', 'gray', 'center', 40)], True),
    'blue-ring-top-left': ('orange', [obj('ring', 'blue', 'top left', 34)], True),
    'green-heart-right': ('purple', [obj('heart', 'green', 'right', 36, 2, -2)], True),
    'small-red-square-top': ('white', [obj('square', 'red', 'top', 128 / 6)], True),
    'small-blue-circle-bottom-left': ('pink', [obj('circle', 'blue', 'bottom left', 128 / 6)], True),
    'small-orange-triangle-right': ('black', [obj('triangle', 'orange', 'right', 24)], True),
    'large-purple-star-center': ('white', [obj('star', 'purple', 'center', 128 / 3)], True),
    'large-green-square-bottom': ('red', [obj('square', 'green', 'bottom', 40)], True),
    'two-red-circle-blue-square': ('white', [at('circle', 'red', 34, 60, 34), at('square', 'blue', 96, 70, 30)], True),
    'two-yellow-star-green-ring': ('purple', [at('star', 'yellow', 30, 40, 36), at('ring', 'green', 94, 90, 32)],
                                   True),
    'two-black-heart-pink-triangle': ('white', [at('heart', 'black', 32, 92, 36), at('triangle', 'pink', 98, 30, 30)],
                                      True),
    'two-white-triangle-orange-circle': ('blue', [at('triangle', 'white', 30, 64, 38),
                                                  at('circle', 'orange', 100, 64, 24)], True),
    # Stress scenes: only analysis.py's verdict is checked.
    'stress-noisy-red-circle': ('white', [obj('circle', 'red', 'center', 34)], False),
    'stress-speck-and-star': ('gray', [obj('star', 'blue', 'top left', 36), at('circle', 'yellow', 100, 100, 5)],
                              False),
    'stress-at-border': ('green', [at('square', 'white', 10, 64, 30), at('circle', 'black', 64, 122, 30)], False),
    'stress-four-objects': ('black', [at('circle', 'red', 24, 24, 26), at('square', 'blue', 104, 24, 26),
                                      at('ring', 'white', 24, 104, 30), at('triangle', 'yellow', 104, 104, 18)],
                            False),
    'stress-soft-ring': ('white', [obj('ring', 'gray', 'bottom right', 30)], False),
    'stress-split-background': ('white', [obj('triangle', 'blue', 'left', 30)], False),
    'stress-edge-stripe': ('gray', [obj('circle', 'green', 'bottom right', 30)], False),
    'stress-equal-areas': ('white', [at('circle', 'blue', 32, 88, 30), at('circle', 'red', 96, 40, 30)], False),
}


def render_scene(name, bg_name, objects):
    bg = torch.tensor([[c / 255 for c in world.COLORS[bg_name]]], dtype=torch.float32)
    objs = torch.zeros(1, len(objects), world.OBJ_FIELDS)
    for k, o in enumerate(objects):
        rgb = [c / 255 for c in world.COLORS[o['color']]]
        objs[0, k] = torch.tensor([1, world.ALL_SHAPES.index(o['shape']), *rgb, o['cx'], o['cy'], o['size']])
    img = world.render(bg, objs)[0]
    if name == 'stress-noisy-red-circle':
        g = torch.Generator().manual_seed(NOISE_SEED)
        img = img + 0.12 * torch.randn(img.shape, generator=g)
    if name == 'stress-soft-ring':  # a 3x3 box blur: the soft edges of a decoded image
        img = torch.nn.functional.avg_pool2d(img[None], 3, stride=1, padding=1, count_include_pad=False)[0]
    img = pngio.to_uint8(img.numpy())
    if name == 'stress-split-background':  # a 50:50 border: numpy's median of an even count averages the middle two
        img[:, 64:] = world.COLORS['pink']
    if name == 'stress-edge-stripe':  # a stripe on the top edge: analysis.py's erosion does not erode at the edge
        img[0:3, 40:80] = world.COLORS['red']
        img[0, 40:80] = world.COLORS['yellow']
    return img


def expected(objects):
    """The objects as drawn, largest (by covered pixels, as analysis.py orders them) first."""
    out = []
    for o in objects:
        cell = min(int(o['cy'] * 3 / world.SIZE), 2) * 3 + min(int(o['cx'] * 3 / world.SIZE), 2)
        out.append((-covered_pixels(o), dict(color=o['color'], shape=o['shape'], position=world.POSITIONS[cell])))
    return [e for _, e in sorted(out, key=lambda e: e[0])]


def covered_pixels(o):
    objs = torch.tensor([[[1, world.ALL_SHAPES.index(o['shape']), 1, 1, 1, o['cx'], o['cy'], o['size']]]])
    return int((world.render(torch.zeros(1, 3), objs)[0, 0] > 0).sum())


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    fixtures = []
    for name, (bg, objects, labelled) in SCENES.items():
        img = render_scene(name, bg, objects)
        pngio.write_png(os.path.join(out_dir, name + '.png'), img)
        entry = dict(file=name + '.png', analysis=analysis.describe(img))
        if labelled:
            entry['expect'] = dict(background=bg, objects=expected(objects))
        fixtures.append(entry)
    templates = analysis._templates()
    packed = {s: np.packbits(t.reshape(-1)).tobytes().hex() for s, t in zip(world.ALL_SHAPES, templates)}
    doc = dict(made_by=f'/usr/bin/python3 {SCRIPT} {out_dir} (torch {torch.__version__}, numpy {np.__version__})',
               template_size=analysis.TEMPLATE, templates=packed, fixtures=fixtures)
    with open(os.path.join(out_dir, 'labels.json'), 'w') as f:
        json.dump(doc, f, indent=2)
        f.write('\n')
    agree = sum(1 for e in fixtures if 'expect' in e and matches(e['analysis'], e['expect']))
    print(f'{len(fixtures)} fixtures; analysis.py matches the labels on {agree} of '
          f'{sum(1 for e in fixtures if "expect" in e)}')
    for e in fixtures:
        if 'expect' in e and not matches(e['analysis'], e['expect']):
            print('  differs:', e['file'], e['analysis'], e['expect'])


def matches(found, expect):
    keys = ('color', 'shape', 'position')
    return found['background'] == expect['background'] and len(found['objects']) == len(expect['objects']) and all(
        all(f[k] == x[k] for k in keys) for f, x in zip(found['objects'], expect['objects']))


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'tools/model-eval/fixtures')
