"""Concept-file fixtures for src-main/concepts: real torch.save files in A1111 and diffusers layouts, an SDXL
safetensors, and a planted pickle whose reduce calls posix.system (built with pickle + zipfile, NEVER loaded).

Run: /usr/bin/python3 tools/reference/make_concept_fixtures.py  (Debian python3-torch 1.13, CPU)
Writes src-main/concepts/fixtures/*. The vectors are arange-based so tests can check exact values.
"""
import io, os, pickle, struct, json, zipfile
import torch

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'src-main', 'concepts', 'fixtures')
os.makedirs(OUT, exist_ok=True)

def vec(n, dim):
    return (torch.arange(n * dim, dtype=torch.float32).reshape(n, dim) / 100.0 - 0.5)

# A1111 .pt: string_to_param['*'] [n, dim] with name/step, as modules/textual_inversion saves it.
torch.save({
    'string_to_token': {'*': 265},
    'string_to_param': {'*': vec(3, 32).requires_grad_(True)},
    'name': 'tri-style', 'step': 120, 'sd_checkpoint': 'abcd1234', 'sd_checkpoint_name': 'tiny-sd',
}, os.path.join(OUT, 'tri-style.pt'))
# A1111 .pt in half precision, a non-contiguous (transposed-back) tensor to exercise strides.
t = vec(32, 2).t().half()
torch.save({'string_to_param': {'*': t}, 'name': 'half-style', 'step': 5}, os.path.join(OUT, 'half-style.pt'))
# diffusers learned_embeds.bin: {'<token>': [dim]}.
torch.save({'<cat-toy>': vec(1, 32)[0]}, os.path.join(OUT, 'learned_embeds.bin'))
# bf16 safetensors A1111 layout, written by hand (safetensors package is not installed here).
def safetensors(path, tensors, meta=None):
    header, blobs, off = {}, b'', 0
    for name, (dtype, shape, data) in tensors.items():
        header[name] = {'dtype': dtype, 'shape': shape, 'data_offsets': [off, off + len(data)]}
        blobs += data; off += len(data)
    if meta: header['__metadata__'] = meta
    h = json.dumps(header).encode()
    h += b' ' * (-len(h) % 8)
    open(path, 'wb').write(struct.pack('<Q', len(h)) + h + blobs)
bf = (vec(2, 32).view(torch.int32) >> 16).to(torch.int16).numpy().tobytes()
safetensors(os.path.join(OUT, 'bf-style.safetensors'), {'emb_params': ('BF16', [2, 32], bf)}, {'name': 'bf-style'})
safetensors(os.path.join(OUT, 'single-token.safetensors'), {'<sks>': ('F16', [32], vec(1, 32)[0].half().numpy().tobytes())})
safetensors(os.path.join(OUT, 'sdxl.safetensors'), {
    'clip_l': ('F32', [1, 768], bytes(768 * 4)), 'clip_g': ('F32', [1, 1280], bytes(1280 * 4))})

# The planted pickle: unpickling would call os.system('touch …'). Built from raw pickle bytes; never loaded.
class Evil:
    def __reduce__(self):
        return (os.system, ('touch /tmp/concept-pickle-was-executed',))
payload = pickle.dumps({'string_to_param': {'*': Evil()}, 'name': 'evil'}, protocol=2)
assert b'posix' in payload or b'nt' in payload
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w', zipfile.ZIP_STORED) as z:
    z.writestr('evil/data.pkl', payload)
    z.writestr('evil/version', '3\n')
open(os.path.join(OUT, 'planted-system.pt'), 'wb').write(buf.getvalue())
print('written to', os.path.abspath(OUT))
