"""A CLIP-format byte-level BPE tokenizer (vocab.json + merges.txt) trained on the caption language, and a Python
encoder with CLIP's semantics (lower-case, pieces, byte symbols, `</w>`, merges by rank, BOS/EOS, pad to 77)."""
import json
import os
import random
import re
import unicodedata
from collections import Counter

import world

BOS, EOS = '<|startoftext|>', '<|endoftext|>'
MAX_LENGTH = 77


def bytes_to_unicode():
    """CLIP's/GPT-2's reversible byte -> printable unicode symbol table, in CLIP's vocabulary order."""
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def _word_symbols(word):
    byte_encoder = bytes_to_unicode()
    syms = [byte_encoder[b] for b in word.encode('utf-8')]
    return tuple(syms[:-1]) + (syms[-1] + '</w>',)


def train_bpe(word_counts):
    """Plain BPE: repeatedly merge the most frequent adjacent pair (ties: lexicographic) until every word is one
    symbol. Returns the list of merges."""
    vocab = {_word_symbols(w): c for w, c in word_counts.items()}
    merges = []
    while True:
        pairs = Counter()
        for syms, c in vocab.items():
            for a, b in zip(syms, syms[1:]):
                pairs[(a, b)] += c
        if not pairs:
            return merges
        best = min(pairs, key=lambda p: (-pairs[p], p))
        merges.append(best)
        new = {}
        for syms, c in vocab.items():
            out, i = [], 0
            while i < len(syms):
                if i + 1 < len(syms) and (syms[i], syms[i + 1]) == best:
                    out.append(syms[i] + syms[i + 1])
                    i += 2
                else:
                    out.append(syms[i])
                    i += 1
            new[tuple(out)] = c
        vocab = new


def build(out_dir, n_captions=20000, seed=0):
    """Trains the BPE on word frequencies of sampled training captions and writes the four CLIP tokenizer files."""
    rng = random.Random(seed)
    counts = Counter()
    for _ in range(n_captions):
        counts.update(world.training_scene(rng)[0].split())
    for w in world.words():  # every word of the language, even if rare
        counts[w] += 1
    merges = train_bpe(counts)
    byte_symbols = list(bytes_to_unicode().values())
    tokens = byte_symbols + [s + '</w>' for s in byte_symbols] + [a + b for a, b in merges] + [BOS, EOS]
    vocab = {t: i for i, t in enumerate(tokens)}
    assert len(vocab) == len(tokens)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, 'vocab.json'), 'w', encoding='utf-8') as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(out_dir, 'merges.txt'), 'w', encoding='utf-8') as f:
        f.write('#version: 0.2\n' + ''.join(f'{a} {b}\n' for a, b in merges))
    special = lambda s: {'content': s, 'lstrip': False, 'normalized': True, 'rstrip': False, 'single_word': False}
    with open(os.path.join(out_dir, 'special_tokens_map.json'), 'w') as f:
        json.dump({'bos_token': special(BOS), 'eos_token': special(EOS), 'pad_token': EOS, 'unk_token': special(EOS)},
                  f, indent=2)
    with open(os.path.join(out_dir, 'tokenizer_config.json'), 'w') as f:
        json.dump({'add_prefix_space': False,
                   'bos_token': dict(special(BOS), __type='AddedToken'),
                   'do_lower_case': True,
                   'eos_token': dict(special(EOS), __type='AddedToken'),
                   'errors': 'replace',
                   'model_max_length': MAX_LENGTH,
                   'pad_token': EOS,
                   'tokenizer_class': 'CLIPTokenizer',
                   'unk_token': dict(special(EOS), __type='AddedToken')}, f, indent=2)
    return len(vocab), len(merges)


# Letters only/numbers/other-runs; the caption language uses letters and spaces only, and `str.isalpha` stands in
# for \p{L} (Python's `re` has no Unicode property classes).
_PIECES = re.compile(r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|[^\s\w]+|_+", re.IGNORECASE)


class Tokenizer:
    def __init__(self, tok_dir):
        with open(os.path.join(tok_dir, 'vocab.json'), encoding='utf-8') as f:
            self.vocab = json.load(f)
        with open(os.path.join(tok_dir, 'merges.txt'), encoding='utf-8') as f:
            lines = f.read().split('\n')[1:]
        self.ranks = {tuple(l.split()): i for i, l in enumerate(l for l in lines if l)}
        self.byte_encoder = bytes_to_unicode()
        self.bos, self.eos = self.vocab[BOS], self.vocab[EOS]
        self.size = len(self.vocab)
        self.cache = {}

    def _bpe(self, piece):
        if piece in self.cache:
            return self.cache[piece]
        syms = [self.byte_encoder[b] for b in piece.encode('utf-8')]
        word = syms[:-1] + [syms[-1] + '</w>']
        while len(word) > 1:
            pairs = [(self.ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(word, word[1:]))]
            rank, i = min(pairs)
            if rank == 1 << 30:
                break
            a, b = word[i], word[i + 1]
            out, j = [], 0
            while j < len(word):
                if j + 1 < len(word) and word[j] == a and word[j + 1] == b:
                    out.append(a + b)
                    j += 2
                else:
                    out.append(word[j])
                    j += 1
            word = out
        ids = [self.vocab[w] for w in word]
        self.cache[piece] = ids
        return ids

    def pieces(self, text):
        text = unicodedata.normalize('NFC', text)
        text = re.sub(r'\s+', ' ', text).strip().lower()
        return _PIECES.findall(text)

    def encode(self, text, concepts=None):
        """Token ids without BOS/EOS. concepts: {trigger word: [ids of its new tokens]} (A1111 semantics)."""
        ids = []
        for p in self.pieces(text):
            if concepts and p in concepts:
                ids += concepts[p]
            else:
                ids += self._bpe(p)
        return ids

    def __call__(self, text, concepts=None):
        """[BOS] + ids[:75] + [EOS], padded with EOS to 77."""
        ids = [self.bos] + self.encode(text, concepts)[:MAX_LENGTH - 2] + [self.eos]
        return ids + [self.eos] * (MAX_LENGTH - len(ids))
