#!/usr/bin/env python3
"""Deterministic synthetic analysis folder for benchmarking `thematic`.

    python3 bench/generate.py N OUTDIR [--seed 42]

Writes, under OUTDIR:

  thematic.toml          the three [groups] and the interviewer label
  participants.csv       N participants: id,group,label,site
  transcripts/<id>.txt   one interview of about 3,000 words per participant: speaker turns
                         ("Interviewer:" and the participant's label, e.g. "Staff 12:"),
                         wrapped at 80 columns, a blank line between turns
  codebook.md            5 themes x 3 categories x 4 codes, with definitions
  coding/coder1.csv      document,quote,codes,memo: about 20% of participant turns coded with
                         an exact passage of 10 to 40 words (unique in its document), 1-2 codes
  qc/codebook.yaml       the same code tree for qc (qualitative-coding)
  qc/codes/<id>.txt      the same coding as qc stores it: one line per transcript line, with
                         the codes of every quote that touches that line (what `qc code` reads
                         back from its editor)

Only the Python 3 standard library is used. The same N, seed and Python 3 give the same bytes;
document i does not depend on N, so a smaller corpus is a prefix of a larger one.
"""

import argparse
import csv
import io
import os
import random
import re
import sys
import textwrap

GROUPS = [
    # id, label in thematic.toml, speaker label prefix, share of participants
    ("staff", "Staff", "Staff", 0.30),
    ("partner", "Partner organisations", "Partner", 0.48),
    ("service_user", "Service users", "Service user", 0.22),
]
SITES = ["north", "south"]
WORDS_PER_TRANSCRIPT = 3000
CODED_TURN_SHARE = 0.20

# Real English function words (and a few contractions), drawn often, as in speech.
FUNCTION_WORDS = (
    "the and to of a I it that you we in is was they so but for with on be have "
    "this not at what there do are like just if about as all or from would can "
    "know think them really because more when which people one out very been "
    "some then get how had their our were going by my me up also lot well much "
    "things other where who those need into could got now than said still even "
    "he she his her an no yes time quite actually sort bit different make way "
    "don't it's we're can't I'm that's there's they're didn't wasn't"
).split()

FUNCTION_CUM = []
for _rank in range(len(FUNCTION_WORDS)):
    FUNCTION_CUM.append((FUNCTION_CUM[-1] if FUNCTION_CUM else 0.0) + 1.0 / (_rank + 3))

ONSETS = ["b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r", "s", "t", "v", "w",
          "b", "c", "d", "l", "m", "n", "p", "r", "s", "t", "", "", "", "",
          "br", "cl", "cr", "dr", "fl", "gr", "pl", "pr", "sh", "st", "th", "tr", "ch"]
VOWELS = ["a", "e", "i", "o", "u", "a", "e", "i", "o", "ea", "ai", "ou", "ee", "oo"]
CODAS = ["", "", "", "", "", "n", "r", "s", "t", "l", "m", "nd", "nt", "st", "ck", "ng"]
SUFFIXES = ["", "", "", "", "", "", "", "ing", "ed", "s", "s", "tion", "ment", "ly", "er"]


def make_vocabulary(rng, size):
    """A few thousand English-like content words (letters only), most frequent first."""
    vocab = {}
    while len(vocab) < size:
        syllables = rng.choices([1, 2, 3, 4], weights=[40, 42, 15, 3])[0]
        word = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)
                       for _ in range(syllables))
        word += rng.choice(SUFFIXES)
        if 4 <= len(word) <= 14 and word.lower() not in FUNCTION_WORDS:
            vocab[word] = None  # a dict keeps insertion order (a set would not be deterministic)
    # Short words are the frequent ones, as in English (a stable sort keeps this deterministic).
    return sorted(vocab, key=len)


class Speech:
    def __init__(self, vocab, rng):
        self.vocab = vocab
        self.rng = rng
        # Zipf-like weights over the content words.
        self.weights = [1.0 / (rank + 20) for rank in range(len(vocab))]
        self.cum = []
        total = 0.0
        for w in self.weights:
            total += w
            self.cum.append(total)

    def word(self):
        rng = self.rng
        if rng.random() < 0.46:
            return rng.choices(FUNCTION_WORDS, cum_weights=FUNCTION_CUM)[0]
        return rng.choices(self.vocab, cum_weights=self.cum)[0]

    def sentence(self, lo, hi, end="."):
        rng = self.rng
        n = rng.randint(lo, hi)
        words = [self.word() for _ in range(n)]
        for i in range(n - 1):
            if rng.random() < 0.07:
                words[i] += ","
        first = words[0]
        words[0] = first[0].upper() + first[1:]
        return " ".join(words) + end

    def answer(self):
        rng = self.rng
        out = []
        for _ in range(rng.randint(3, 9)):
            r = rng.random()
            end = "." if r < 0.88 else ("?" if r < 0.94 else "!")
            out.append(self.sentence(5, 26, end))
        return " ".join(out)

    def question(self):
        rng = self.rng
        parts = []
        if rng.random() < 0.4:
            parts.append(self.sentence(3, 12, "."))
        parts.append(self.sentence(6, 20, "?"))
        return " ".join(parts)


def wrap_turn(label, text):
    return textwrap.fill(f"{label}: {text}", width=80, break_long_words=False,
                         break_on_hyphens=False)


def participants(n, seed):
    rng = random.Random(f"participants:{seed}")
    counters = {g[0]: 0 for g in GROUPS}
    people = []
    for i in range(n):
        gid, _, prefix, _ = rng.choices(GROUPS, weights=[g[3] for g in GROUPS])[0]
        counters[gid] += 1
        k = counters[gid]
        people.append({
            "id": f"{gid.replace('_', '-')}-{i + 1:04d}",
            "group": gid,
            "label": f"{prefix} {k}",
            "site": rng.choice(SITES),
        })
    return people


def codebook(vocab, seed):
    rng = random.Random(f"codebook:{seed}")
    speech = Speech(vocab, rng)
    used = set()
    tree = []
    pool = vocab[200:1800]  # mid-frequency words make readable names

    def name(k):
        words = rng.sample(pool, k)
        return " ".join(words).capitalize()

    def code_id():
        while True:
            cid = "-".join(rng.sample(pool, 2)).lower()
            if cid not in used:
                used.add(cid)
                return cid

    for _t in range(5):
        theme = {"name": name(3), "about": speech.sentence(8, 18), "categories": []}
        for _c in range(3):
            cat = {"name": name(2), "about": speech.sentence(8, 16), "codes": []}
            for _k in range(4):
                cat["codes"].append({"id": code_id(), "definition": speech.sentence(6, 16)})
            theme["categories"].append(cat)
        tree.append(theme)
    return tree


def codebook_md(tree):
    out = []
    for theme in tree:
        out.append(f"# {theme['name']}\n{theme['about']}\n")
        for cat in theme["categories"]:
            out.append(f"## {cat['name']}\n{cat['about']}\n")
            for code in cat["codes"]:
                out.append(f"- `{code['id']}` — {code['definition']}")
            out.append("")
    return "\n".join(out)


def yaml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def codebook_yaml(tree):
    out = []
    for theme in tree:
        out.append(f"- {yaml_str(theme['name'])}:")
        for cat in theme["categories"]:
            out.append(f"  - {yaml_str(cat['name'])}:")
            for code in cat["codes"]:
                out.append(f"    - {code['id']}")
    return "\n".join(out) + "\n"


def transcript(i, person, vocab, code_ids, seed):
    """Returns (text, coding rows, {line: [codes]})."""
    rng = random.Random(f"doc:{seed}:{i}")
    speech = Speech(vocab, rng)
    target = rng.randint(int(WORDS_PER_TRANSCRIPT * 0.93), int(WORDS_PER_TRANSCRIPT * 1.07))
    turns = []  # (label, text)
    words = 0
    while words < target:
        q = speech.question()
        a = speech.answer()
        turns.append(("Interviewer", q))
        turns.append((person["label"], a))
        words += len(q.split()) + len(a.split()) + 1 + len(person["label"].split())
    blocks = [wrap_turn(label, text) for label, text in turns]
    text = "\n\n".join(blocks) + "\n"
    flat = " ".join(text.split())

    rows = []
    line_codes = {}
    offset = 0  # where to look for each turn's block in `text`
    for (label, body), block in zip(turns, blocks):
        start_of_block = text.index(block, offset)
        offset = start_of_block + len(block)
        if label == "Interviewer" or rng.random() >= CODED_TURN_SHARE:
            continue
        tokens = body.split()
        if len(tokens) < 10:
            continue
        quote = None
        for _attempt in range(20):
            n = rng.randint(10, min(40, len(tokens)))
            s = rng.randint(0, len(tokens) - n)
            candidate = " ".join(tokens[s:s + n])
            if flat.count(candidate) == 1:
                quote = candidate
                break
        if quote is None:
            continue
        codes = rng.sample(code_ids, rng.choice([1, 1, 2]))
        memo = speech.sentence(4, 10) if rng.random() < 0.1 else ""
        rows.append([person["id"], quote, ";".join(codes), memo])
        # Where the quote lies in the wrapped text: the lines qc codes.
        pattern = r"\s+".join(re.escape(t) for t in quote.split())
        m = re.compile(pattern).search(text, start_of_block, offset)
        assert m is not None, (person["id"], quote)
        first = text.count("\n", 0, m.start())
        last = text.count("\n", 0, m.end() - 1)
        for line in range(first, last + 1):
            for c in codes:
                lc = line_codes.setdefault(line, [])
                if c not in lc:
                    lc.append(c)
    return text, rows, line_codes


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(data)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of interviews (and participants)")
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    n, out, seed = args.n, args.outdir, args.seed

    vocab = make_vocabulary(random.Random(f"vocab:{seed}"), 3000)
    tree = codebook(vocab, seed)
    code_ids = [c["id"] for t in tree for cat in t["categories"] for c in cat["codes"]]
    people = participants(n, seed)

    toml = ["[project]",
            f'title = "Synthetic benchmark evaluation ({n} interviews, seed {seed})"',
            'approach = "codebook"', "", "[groups]"]
    toml += [f'{gid} = "{label}"' for gid, label, _, _ in GROUPS]
    toml += ["", "[corpus]", 'interviewer = ["Interviewer"]', ""]
    write(os.path.join(out, "thematic.toml"), "\n".join(toml))

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "group", "label", "site"])
    for p in people:
        w.writerow([p["id"], p["group"], p["label"], p["site"]])
    write(os.path.join(out, "participants.csv"), buf.getvalue())

    write(os.path.join(out, "codebook.md"), codebook_md(tree))
    write(os.path.join(out, "qc", "codebook.yaml"), codebook_yaml(tree))

    sheet = io.StringIO()
    w = csv.writer(sheet, lineterminator="\n")
    w.writerow(["document", "quote", "codes", "memo"])
    total_rows = 0
    for i, p in enumerate(people):
        text, rows, line_codes = transcript(i, p, vocab, code_ids, seed)
        write(os.path.join(out, "transcripts", p["id"] + ".txt"), text)
        w.writerows(rows)
        total_rows += len(rows)
        nlines = len(text.splitlines())
        qc_lines = [", ".join(line_codes.get(k, [])) for k in range(nlines)]
        write(os.path.join(out, "qc", "codes", p["id"] + ".txt"), "\n".join(qc_lines) + "\n")
    write(os.path.join(out, "coding", "coder1.csv"), sheet.getvalue())
    print(f"{out}: {n} transcripts, {total_rows} coded quotes", file=sys.stderr)


if __name__ == "__main__":
    main()
