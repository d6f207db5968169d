"""Simple image analysis that scores generated images: background = median border colour; object mask = pixels
far from it; objects = 4-connected components; colour = mean interior colour -> nearest palette colour;
position = bounding-box centre -> 3x3 cell; shape = best IoU against bounding-box-normalised templates."""
import numpy as np
import torch

import world

MASK_DISTANCE = 60.0  # RGB distance from the background colour that counts as object
MIN_AREA = 30  # pixels; smaller components are noise
TEMPLATE = 32
PALETTE = np.array([world.COLORS[c] for c in world.COLOR_NAMES], dtype=np.float32)


def _templates():
    objs = torch.zeros(len(world.ALL_SHAPES), 1, world.OBJ_FIELDS)
    for i in range(len(world.ALL_SHAPES)):
        objs[i, 0] = torch.tensor([1, i, 1, 1, 1, 64, 64, 110])
    img = world.render(torch.zeros(len(world.ALL_SHAPES), 3), objs)
    masks = (img[:, 0] > 0).numpy()
    return np.stack([_normalise(m) for m in masks])


def _normalise(mask):
    ys, xs = np.nonzero(mask)
    crop = mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = crop.shape
    yi = ((np.arange(TEMPLATE) + 0.5) * h / TEMPLATE).astype(int)
    xi = ((np.arange(TEMPLATE) + 0.5) * w / TEMPLATE).astype(int)
    return crop[yi][:, xi]


_TEMPLATES = None


def classify_shape(mask):
    global _TEMPLATES
    if _TEMPLATES is None:
        _TEMPLATES = _templates()
    m = _normalise(mask)
    inter = (_TEMPLATES & m).sum(axis=(1, 2))
    union = (_TEMPLATES | m).sum(axis=(1, 2))
    return world.ALL_SHAPES[int(np.argmax(inter / union))]


def nearest_color(rgb):
    return world.COLOR_NAMES[int(np.argmin(((PALETTE - rgb) ** 2).sum(1)))]


def components(mask):
    """4-connected components by min-label propagation; -> list of boolean masks, largest first."""
    h, w = mask.shape
    big = h * w
    lab = np.where(mask, np.arange(big).reshape(h, w), big)
    while True:
        new = lab.copy()
        new[1:] = np.minimum(new[1:], np.where(mask[1:], lab[:-1], big))
        new[:-1] = np.minimum(new[:-1], np.where(mask[:-1], lab[1:], big))
        new[:, 1:] = np.minimum(new[:, 1:], np.where(mask[:, 1:], lab[:, :-1], big))
        new[:, :-1] = np.minimum(new[:, :-1], np.where(mask[:, :-1], lab[:, 1:], big))
        new = np.where(mask, new, big)
        if (new == lab).all():
            break
        lab = new
    ids, counts = np.unique(lab[mask], return_counts=True)
    order = np.argsort(-counts)
    return [lab == ids[i] for i in order if counts[i] >= MIN_AREA]


def _erode(m):
    e = m.copy()
    e[1:] &= m[:-1]
    e[:-1] &= m[1:]
    e[:, 1:] &= m[:, :-1]
    e[:, :-1] &= m[:, 1:]
    return e


def describe(img):
    """img uint8 [H,W,3] -> {'background': name, 'objects': [{color, shape, cell, cx, cy, area}] largest first}."""
    x = img.astype(np.float32)
    border = np.concatenate([x[:2].reshape(-1, 3), x[-2:].reshape(-1, 3), x[:, :2].reshape(-1, 3),
                             x[:, -2:].reshape(-1, 3)])
    bg = np.median(border, axis=0)
    mask = np.sqrt(((x - bg) ** 2).sum(-1)) > MASK_DISTANCE
    objs = []
    for m in components(mask)[:3]:
        inner = _erode(m)
        rgb = x[inner if inner.sum() >= 5 else m].mean(0)
        ys, xs = np.nonzero(m)
        cx, cy = (xs.min() + xs.max() + 1) / 2, (ys.min() + ys.max() + 1) / 2
        cell = min(int(cy * 3 / img.shape[0]), 2) * 3 + min(int(cx * 3 / img.shape[1]), 2)
        objs.append({'color': nearest_color(rgb), 'shape': classify_shape(m), 'position': world.POSITIONS[cell],
                     'cx': float(cx), 'cy': float(cy), 'area': int(m.sum())})
    return {'background': nearest_color(bg), 'objects': objs}
