"""Minimal PNG writer/reader for 8-bit RGB images (zlib only, so the recipe needs no imaging library)."""
import struct
import zlib

import numpy as np


def _chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)


def encode_png(rgb):
    """rgb: uint8 array [H, W, 3] -> PNG bytes."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w, _ = rgb.shape
    raw = b''.join(b'\x00' + rgb[y].tobytes() for y in range(h))
    ihdr = struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)
    return b'\x89PNG\r\n\x1a\n' + _chunk(b'IHDR', ihdr) + _chunk(b'IDAT', zlib.compress(raw, 9)) + _chunk(b'IEND', b'')


def write_png(path, rgb):
    with open(path, 'wb') as f:
        f.write(encode_png(rgb))


def read_png(path):
    """Reads the 8-bit RGB, non-interlaced PNGs this module writes (filter type 0 only)."""
    data = open(path, 'rb').read()
    pos, idat, w, h = 8, b"", 0, 0
    while pos < len(data):
        n, = struct.unpack('>I', data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h = struct.unpack('>II', body[:8])
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(h, w * 3 + 1)
    assert (raw[:, 0] == 0).all(), 'only filter type 0 is supported'
    return raw[:, 1:].reshape(h, w, 3).copy()


def to_uint8(img):
    """torch/numpy image [3,H,W] in [-1,1] -> uint8 [H,W,3] the way diffusers does it (clip, round half even)."""
    x = np.asarray(img, dtype=np.float32)
    x = np.clip(x / 2 + 0.5, 0, 1)
    return np.round(x.transpose(1, 2, 0) * 255).astype(np.uint8)


def grid(images, cols):
    """list of uint8 [H,W,3] -> one uint8 grid image."""
    h, w, _ = images[0].shape
    rows = (len(images) + cols - 1) // cols
    out = np.full((rows * h, cols * w, 3), 255, np.uint8)
    for i, im in enumerate(images):
        r, c = divmod(i, cols)
        out[r * h:(r + 1) * h, c * w:(c + 1) * w] = im
    return out
