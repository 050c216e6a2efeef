#!/usr/bin/env python3
"""Gives every code of a generated analysis folder a `search:` rule, for the autocode benchmark.

    python3 bench/rules.py DIR

Each rule is a word, a two-word phrase and a prefix drawn from the folder's own transcripts
(words of more than five letters, ranked by frequency in the first 300 transcripts), so the rules
match a realistic share of the text. Only the Python 3 standard library is used; the same folder
gives the same rules.
"""
import collections
import glob
import os
import re
import sys

root = sys.argv[1]
counts = collections.Counter()
bigrams = collections.Counter()
for f in sorted(glob.glob(os.path.join(root, 'transcripts', '*.txt')))[:300]:
    words = re.findall(r"[a-z]+", open(f, encoding='utf-8').read().lower())
    counts.update(w for w in words if len(w) > 5)
    bigrams.update((a, b) for a, b in zip(words, words[1:]) if len(a) > 3 and len(b) > 3 and a != b)
common = [w for w, _ in counts.most_common(400)][100:]
pairs = [f'"{a} {b}"' for (a, b), _ in bigrams.most_common(200)]
path = os.path.join(root, 'codebook.md')
out, i = [], 0
for line in open(path, encoding='utf-8').read().splitlines():
    out.append(line)
    if line.startswith('- `'):
        out.append(f'  - search: {common[2 * i]} OR {pairs[i]} OR {common[2 * i + 1][:5]}*')
        i += 1
open(path, 'w', encoding='utf-8').write('\n'.join(out) + '\n')
print(f'{i} rules written to {path}')
