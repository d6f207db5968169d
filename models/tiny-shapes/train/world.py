"""The procedural world of tiny-shapes: palette, caption grammar, scene sampling and an anti-aliased SDF renderer.

Scenes are sampled on the CPU with Python's `random` (captions are strings anyway) and rendered with torch on
whatever device trains, so the same code feeds a 2-core laptop and a GPU.
"""
import math
import random

import torch

SIZE = 128  # image side in pixels

COLORS = {
    'red': (220, 40, 40),
    'orange': (245, 145, 30),
    'yellow': (240, 215, 40),
    'green': (50, 165, 70),
    'blue': (45, 90, 215),
    'purple': (135, 65, 185),
    'pink': (240, 135, 190),
    'white': (240, 240, 240),
    'black': (25, 25, 25),
    'gray': (128, 128, 128),
}
COLOR_NAMES = list(COLORS)
SHAPES = ['circle', 'square', 'triangle', 'star', 'ring']
HEART = 5  # shape index of the concept shape, never in the training data
ALL_SHAPES = SHAPES + ['heart']
POSITIONS = ['top left', 'top', 'top right', 'left', 'center', 'right', 'bottom left', 'bottom', 'bottom right']
SIZES = {'small': 1 / 6, 'large': 1 / 3}

# Colour-shape combinations that never appear in training, neither in captions nor in pixels.
HELD_OUT = [('purple', 'triangle'), ('orange', 'star'), ('green', 'ring')]

COLOR_JITTER = 8  # +- per channel, uniform
MARGIN = 2  # objects stay this many pixels inside the image
CELL_MARGIN = 4  # object centres stay this many pixels inside their named cell

# Caption grammar probabilities (documented in the model card).
P_TWO = 0.2  # "a <color> <shape> and a <color> <shape>"
P_FRAGMENT = 0.05  # bare "<color>", "<shape>" or "<color> <shape>" (so that one-word negative prompts mean something)
P_SIZE, P_COLOR, P_POSITION, P_BACKGROUND = 0.4, 0.85, 0.5, 0.4

MAX_OBJECTS = 2
# One object row: active, shape, r, g, b (0..1), cx, cy, size (pixels)
OBJ_FIELDS = 8


def words():
    """Every word of the caption language (for the tokenizer)."""
    ws = ['a', 'at', 'the', 'on', 'background', 'and'] + list(SIZES) + COLOR_NAMES + SHAPES
    for p in POSITIONS:
        ws += p.split()
    return sorted(set(ws))


def _jitter(rng, rgb):
    return tuple(min(255, max(0, c + rng.randint(-COLOR_JITTER, COLOR_JITTER))) / 255 for c in rgb)


def _allowed(color, shape):
    return (color, shape) not in HELD_OUT


def _object_color(rng, shape, exclude=()):
    while True:
        c = rng.choice(COLOR_NAMES)
        if c not in exclude and _allowed(c, shape):
            return c


def _default_size(rng):
    return rng.uniform(0.2, 0.28) * SIZE


def _size_px(rng, size_word):
    if size_word is None:
        return _default_size(rng)
    return SIZES[size_word] * SIZE * rng.uniform(0.9, 1.1)


def _center_range(lo, hi, s):
    """Clamp a centre interval so that an object of extent s stays inside the image."""
    return max(lo, s / 2 + MARGIN), min(hi, SIZE - MARGIN - s / 2)


def _position(rng, s, position):
    if position is None:
        lo, hi = _center_range(0, SIZE, s)
        return rng.uniform(lo, hi), rng.uniform(lo, hi)
    i = POSITIONS.index(position)
    row, col = divmod(i, 3)
    cell = SIZE / 3
    x0, x1 = _center_range(col * cell + CELL_MARGIN, (col + 1) * cell - CELL_MARGIN, s)
    y0, y1 = _center_range(row * cell + CELL_MARGIN, (row + 1) * cell - CELL_MARGIN, s)
    return rng.uniform(x0, x1), rng.uniform(y0, y1)


def single_scene(rng, shape=None, color=None, size=None, position=None, background=None,
                 say=('size', 'color', 'position', 'background')):
    """One object. Attributes left None are drawn at random; `say` lists the attributes the caption may mention,
    each then mentioned with its grammar probability unless it was given explicitly (given ones are always said)."""
    shape = shape if shape is not None else rng.choice(SHAPES)
    if size is None and 'size' in say and rng.random() < P_SIZE:
        size = rng.choice(list(SIZES))
    if position is None and 'position' in say and rng.random() < P_POSITION:
        position = rng.choice(POSITIONS)
    if color is None:
        color = _object_color(rng, shape)
        said_color = 'color' in say and rng.random() < P_COLOR
    else:
        said_color = True
    if background is None:
        background = rng.choice([c for c in COLOR_NAMES if c != color])
        said_bg = 'background' in say and rng.random() < P_BACKGROUND
    else:
        said_bg = True
    s = _size_px(rng, size)
    cx, cy = _position(rng, s, position)
    obj = (ALL_SHAPES.index(shape), _jitter(rng, COLORS[color]), cx, cy, s)
    caption = 'a'
    if size is not None:
        caption += ' ' + size
    if said_color:
        caption += ' ' + color
    caption += ' ' + shape
    if position is not None:
        caption += ' at the ' + position
    if said_bg:
        caption += ' on a ' + background + ' background'
    return caption, _jitter(rng, COLORS[background]), [obj]


def two_scene(rng, shapes=None, colors=None):
    """Two objects, the first one on the left half, the second on the right half."""
    shapes = shapes or (rng.choice(SHAPES), rng.choice(SHAPES))
    colors = colors or (_object_color(rng, shapes[0]), _object_color(rng, shapes[1]))
    background = rng.choice([c for c in COLOR_NAMES if c not in colors])
    objs = []
    for k in range(2):
        s = _default_size(rng) * rng.uniform(0.85, 1.0)
        half = SIZE / 2
        x0, x1 = k * half + MARGIN + s / 2, (k + 1) * half - MARGIN - s / 2  # wholly inside its half
        y0, y1 = _center_range(0, SIZE, s)
        objs.append((ALL_SHAPES.index(shapes[k]), _jitter(rng, COLORS[colors[k]]), rng.uniform(x0, x1),
                     rng.uniform(y0, y1), s))
    caption = f'a {colors[0]} {shapes[0]} and a {colors[1]} {shapes[1]}'
    return caption, _jitter(rng, COLORS[background]), objs


def fragment_scene(rng):
    caption, bg, objs = single_scene(rng, say=())
    shape = ALL_SHAPES[objs[0][0]]
    color = _nearest_name(objs[0][1])
    caption = rng.choice([color, shape, f'{color} {shape}'])
    return caption, bg, objs


def _nearest_name(rgb01):
    rgb = [c * 255 for c in rgb01]
    return min(COLOR_NAMES, key=lambda n: sum((a - b) ** 2 for a, b in zip(COLORS[n], rgb)))


def training_scene(rng):
    r = rng.random()
    if r < P_TWO:
        return two_scene(rng)
    if r < P_TWO + P_FRAGMENT:
        return fragment_scene(rng)
    return single_scene(rng)


def pack(scenes):
    """[(caption, bg, objs)] -> (captions, bg [B,3], objects [B, MAX_OBJECTS, OBJ_FIELDS]) float32 tensors."""
    bg = torch.tensor([s[1] for s in scenes], dtype=torch.float32)
    objs = torch.zeros(len(scenes), MAX_OBJECTS, OBJ_FIELDS)
    for i, (_, _, os_) in enumerate(scenes):
        for k, (shape, rgb, cx, cy, s) in enumerate(os_):
            objs[i, k] = torch.tensor([1, shape, rgb[0], rgb[1], rgb[2], cx, cy, s])
    return [s[0] for s in scenes], bg, objs


# ---------------------------------------------------------------- signed distance functions (pixel units)
# After Inigo Quilez's 2D distance functions; p is relative to the object's bounding-box centre, y pointing up.

def _sd_circle(px, py, s):
    return torch.sqrt(px * px + py * py) - s / 2


def _sd_square(px, py, s):
    h = s / 2
    dx, dy = px.abs() - h, py.abs() - h
    outside = torch.sqrt(dx.clamp(min=0) ** 2 + dy.clamp(min=0) ** 2)
    return outside + torch.maximum(dx, dy).clamp(max=0)


def _sd_triangle(px, py, s):
    r = s / 2  # half side of an equilateral triangle pointing up
    k = math.sqrt(3.0)
    py = py + r / (2 * k)  # bounding-box centre -> centroid
    x = px.abs() - r
    y = py + r / k
    flip = (x + k * y) > 0
    x, y = torch.where(flip, (x - k * y) / 2, x), torch.where(flip, (-k * x - y) / 2, y)
    x = x - torch.minimum(torch.maximum(x, -2 * r), torch.zeros_like(x))
    return -torch.sqrt(x * x + y * y) * torch.sign(y)


def _sd_star(px, py, s, rf=0.45):
    r = s / 2
    py = py + 0.0955 * r  # bounding-box centre -> star centre
    k1x, k1y = 0.809016994375, -0.587785252292
    k2x, k2y = -k1x, k1y
    x = px.abs()
    y = py
    d = 2 * torch.clamp(k1x * x + k1y * y, min=0)
    x, y = x - d * k1x, y - d * k1y
    d = 2 * torch.clamp(k2x * x + k2y * y, min=0)
    x, y = x - d * k2x, y - d * k2y
    x = x.abs()
    y = y - r
    bax, bay = rf * -k1y, rf * k1x - 1
    h = torch.minimum(torch.clamp((x * bax + y * bay) / (bax * bax + bay * bay), min=0), r)
    qx, qy = x - bax * h, y - bay * h
    return torch.sqrt(qx * qx + qy * qy) * torch.sign(y * bax - x * bay)


def _sd_ring(px, py, s):
    return (torch.sqrt(px * px + py * py) - 0.4 * s).abs() - 0.1 * s


def _sd_heart(px, py, s):
    k = s / 1.2071  # unit heart is 1.2071 wide, 1.1036 high, tip at the origin
    x = px.abs() / k
    y = py / k + 0.5518
    upper = (x + y) > 1
    d_up = torch.sqrt((x - 0.25) ** 2 + (y - 0.75) ** 2) - math.sqrt(2) / 4
    m = 0.5 * torch.clamp(x + y, min=0)
    d_lo = torch.sqrt(torch.minimum(x * x + (y - 1) ** 2, (x - m) ** 2 + (y - m) ** 2)) * torch.sign(x - y)
    return torch.where(upper, d_up, d_lo) * k


_SDFS = [_sd_circle, _sd_square, _sd_triangle, _sd_star, _sd_ring, _sd_heart]


def render(bg, objs, size=SIZE):
    """bg [B,3] (0..1), objs [B,K,OBJ_FIELDS] -> images [B,3,size,size] in [-1, 1], anti-aliased by coverage."""
    dev = objs.device
    B, K, _ = objs.shape
    scale = size / SIZE
    coords = (torch.arange(size, device=dev, dtype=torch.float32) + 0.5) / scale
    img = bg.to(dev)[:, :, None, None].expand(B, 3, size, size)
    for k in range(K):
        o = objs[:, k]
        px = coords[None, None, :] - o[:, 5, None, None]
        py = o[:, 6, None, None] - coords[None, :, None]  # y up
        s = o[:, 7, None, None]
        shape = o[:, 1].long()
        sd = None  # every SDF everywhere, then select: no data-dependent shapes, so no GPU synchronisation
        for i, fn in enumerate(_SDFS):
            d = fn(px, py, s)
            sd = d if sd is None else torch.where((shape == i)[:, None, None], d, sd)
        cover = torch.clamp(0.5 - sd * scale, 0, 1) * o[:, 0, None, None]
        a = cover[:, None]
        img = img * (1 - a) + o[:, 2:5, None, None] * a
    return img * 2 - 1


def strokes(rng, n):
    """Random thick line strokes (capsules) as extra objects for VAE training only: [n, 7] x0 y0 x1 y1 w r g b."""
    out = []
    for _ in range(n):
        out.append([rng.uniform(0, SIZE) for _ in range(4)] + [rng.uniform(2, 7)] +
                   list(_jitter(rng, COLORS[rng.choice(COLOR_NAMES)])))
    return torch.tensor(out, dtype=torch.float32)


def paint_strokes(img, st, active):
    """Draw one capsule per image (where active) over images in [-1,1]."""
    dev = img.device
    B, _, H, W = img.shape
    c = torch.arange(H, device=dev, dtype=torch.float32) + 0.5
    st = st.to(dev)
    ax, ay, bx, by, w = (st[:, i, None, None] for i in range(5))
    px, py = c[None, None, :] - ax, c[None, :, None] - ay
    dx, dy = bx - ax, by - ay
    h = torch.clamp((px * dx + py * dy) / (dx * dx + dy * dy + 1e-6), 0, 1)
    d = torch.sqrt((px - dx * h) ** 2 + (py - dy * h) ** 2) - w / 2
    a = (torch.clamp(0.5 - d, 0, 1) * active.to(dev)[:, None, None])[:, None]
    return img * (1 - a) + (st[:, 5:8, None, None] * 2 - 1) * a
