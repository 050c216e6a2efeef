"""Adds a second coder to a generated analysis folder, for timing `thematic agree`.

python3 bench/second_coder.py DIR [--seed 7]

Reads DIR/coding/coder1.csv and writes DIR/coding/coder2.csv: the same passages, with about one
row in ten left out and one in seven given another code, so that both coders code every
document and disagree a little, as double coders do. Same seed, same bytes.
"""
import argparse
import csv
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with open(f"{args.dir}/coding/coder1.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    codes = sorted({c for r in rows[1:] for c in r[2].split(";")})
    out = [rows[0]]
    seen = set()
    for r in rows[1:]:
        x = rng.random()
        # Keep each document's first row, so the second coder codes every document.
        if x < 0.10 and r[0] in seen:
            continue
        seen.add(r[0])
        r = list(r)
        if x < 0.25:
            r[2] = rng.choice(codes)
        out.append(r)
    with open(f"{args.dir}/coding/coder2.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(out)


main()
