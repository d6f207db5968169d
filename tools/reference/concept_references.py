"""Reference numbers for src-main/engine/concepts: textual inversion in PyTorch, the way diffusers does it
(resize_token_embeddings + write the learned rows at the new ids), on the tiny-sd fixture text encoder.

Run: /usr/bin/python3 tools/reference/concept_references.py  (Debian python3-torch 1.13 CPU, onnx)
1. Rebuilds make_fixture_models.py's TinyClipTextModel with its seed and checks every named initializer of
   src-main/engine/test-fixtures/models/tiny-sd/text_encoder/model.onnx equals the module's weights bit for bit.
2. Appends the 3 vectors of src-main/concepts/fixtures/tri-style.pt (arange(96)/100 − 0.5, recomputed here) as rows
   541…543, encodes "a tri-style red cat" with the trigger expanded to those ids, and stores last_hidden_state.
3. Also stores the plain prompt's output (no concept) so the test can prove the torch module is the ONNX model.
4. Writes fp16-table.onnx: Gather(fp16 table [5, 4], input_ids) → Cast(float) → output, for the fp16 path.
Output: src-main/engine/concepts/fixtures/{concept-reference.json, fp16-table.onnx}.
"""
import json, os, sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_fixture_models as mfm  # noqa: E402

OUT = os.path.join(ROOT, 'src-main', 'engine', 'concepts', 'fixtures')
ONNX = os.path.join(ROOT, 'src-main', 'engine', 'test-fixtures', 'models', 'tiny-sd', 'text_encoder', 'model.onnx')

torch.manual_seed(mfm.SEED)
vocab = mfm.tokenizer_vocab()
model = mfm.text_encoder_class()(mfm.TEXT_CONFIG, len(vocab)).eval().requires_grad_(False)
state = model.state_dict()
inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(ONNX).graph.initializer}
checked = 0
for name, value in inits.items():
    if name in state:
        assert np.array_equal(state[name].numpy(), value), name
        checked += 1
assert checked >= 10, checked

tok = mfm.load_tokenizer(mfm.EOS)
vectors = (torch.arange(96, dtype=torch.float32).reshape(3, 32) / 100.0 - 0.5)
n = len(vocab)
trigger_ids = list(range(n, n + 3))
# Textual inversion at inference: grow the table, write the learned rows at the new ids (diffusers'
# load_textual_inversion → resize_token_embeddings + weight.data[token_ids] = embeddings).
old = model.token_embedding.weight.data
model.token_embedding = torch.nn.Embedding(n + 3, old.shape[1])
model.token_embedding.weight.data[:n] = old
model.token_embedding.weight.data[n:] = vectors

def ids_of(words):
    body = []
    for w in words:
        body += trigger_ids if w == 'tri-style' else tok.tokenize(w)
    ids = [vocab[mfm.BOS]] + body + [vocab[mfm.EOS]]
    return ids + [vocab[mfm.EOS]] * (mfm.MAX_LENGTH - len(ids))

def encode(ids):
    with torch.no_grad():
        last, _ = model(torch.tensor([ids], dtype=torch.int64))
    # The first 8 positions (bos, body, eos, a pad) keep the file small; float32 values written in full.
    return [float(np.format_float_positional(x, unique=True)) for x in last[0, :8].reshape(-1).numpy()]

with_ids = ids_of(['a', 'tri-style', 'red', 'cat'])
plain_ids = ids_of(['a', 'red', 'cat'])
json.dump({
    'how': 'tools/reference/concept_references.py (torch 1.13 CPU, float32): tiny-sd text encoder + 3 rows',
    'prompt': 'a tri-style red cat', 'trigger': 'tri-style', 'triggerIds': trigger_ids,
    'ids': with_ids, 'positions': 8, 'lastHiddenState': encode(with_ids),
    'plainPrompt': 'a red cat', 'plainIds': plain_ids, 'plainLastHiddenState': encode(plain_ids),
}, open(os.path.join(OUT, 'concept-reference.json'), 'w'))

table = numpy_helper.from_array((np.arange(20, dtype=np.float32).reshape(5, 4) / 8 - 1).astype(np.float16), 'table')
graph = helper.make_graph(
    [helper.make_node('Gather', ['table', 'input_ids'], ['rows']), helper.make_node('Cast', ['rows'], ['out'], to=1)],
    'fp16-table', [helper.make_tensor_value_info('input_ids', TensorProto.INT64, [1, 'n'])],
    [helper.make_tensor_value_info('out', TensorProto.FLOAT, [1, 'n', 4])], [table])
fp16 = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 14)])
fp16.ir_version = 7
onnx.checker.check_model(fp16)
onnx.save(fp16, os.path.join(OUT, 'fp16-table.onnx'))
print('checked', checked, 'initializers; wrote', OUT)
