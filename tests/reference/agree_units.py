"""Reference figures for `thematic agree`, computed independently of thematic's code.

Reads a JSON spec on standard input: documents (length in characters, turn and sentence
ranges), the coders' segments (document, start, end, codes) and the segment overlap; builds
the units of every kind itself (char, sentence, turn, segment) and computes, per code and
pooled over codes, percent agreement, scikit-learn's `cohen_kappa_score` (two coders) and the
`krippendorff` package's nominal alpha. Prints JSON: {unit: {code: [pa, kappa, alpha]}}, with
null where a statistic is undefined.
"""
import json
import math
import sys
import warnings

import krippendorff
from sklearn.metrics import cohen_kappa_score

warnings.filterwarnings("ignore")


def coded(segments, coder, code, doc, start, end):
    return int(any(s["coder"] == coder and code in s["codes"] and s["doc"] == doc
                   and s["start"] < end and start < s["end"] for s in segments))


def char_units(spec, code):
    units = []
    for d, doc in enumerate(spec["documents"]):
        for i in range(doc["chars"]):
            units.append([coded(spec["segments"], k, code, d, i, i + 1) for k in range(spec["coders"])])
    return units


def block_units(spec, code, kind):
    units = []
    for d, doc in enumerate(spec["documents"]):
        for start, end in doc[kind]:
            units.append([coded(spec["segments"], k, code, d, start, end) for k in range(spec["coders"])])
    return units


def segment_units(spec, code):
    units = []
    for d, _ in enumerate(spec["documents"]):
        def of(k):
            return sorted({(s["start"], s["end"]) for s in spec["segments"]
                           if s["coder"] == k and s["doc"] == d and code in s["codes"]})
        a, b = of(0), of(1)
        used = [False] * len(b)
        for (as_, ae) in a:
            for j, (bs, be) in enumerate(b):
                shared = max(0, min(ae, be) - max(as_, bs))
                longer = max(ae - as_, be - bs)
                if not used[j] and longer > 0 and shared >= spec["overlap"] * longer:
                    used[j] = True
                    units.append([1, 1])
                    break
            else:
                units.append([1, 0])
        units.extend([0, 1] for j in range(len(b)) if not used[j])
    return units


def figures(units, coders):
    if not units:
        return [None, None, None]
    pa = sum(1 for u in units if len(set(u)) == 1) / len(units)
    kappa = None
    if coders == 2:
        k = cohen_kappa_score([u[0] for u in units], [u[1] for u in units])
        kappa = None if math.isnan(k) else float(k)
    alpha = None
    if len({v for u in units for v in u}) > 1:
        data = [[u[k] for u in units] for k in range(coders)]
        a = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        alpha = None if math.isnan(a) else float(a)
    return [pa, kappa, alpha]


def main():
    spec = json.load(sys.stdin)
    out = {}
    kinds = ["char", "sentence", "turn"] + (["segment"] if spec["coders"] == 2 else [])
    for kind in kinds:
        per_code, pooled = {}, []
        for code in spec["codes"]:
            if kind == "char":
                units = char_units(spec, code)
            elif kind == "segment":
                units = segment_units(spec, code)
            else:
                units = block_units(spec, code, "turns" if kind == "turn" else "sentences")
            per_code[code] = figures(units, spec["coders"])
            pooled.extend(units)
        per_code["*"] = figures(pooled, spec["coders"])
        out[kind] = per_code
    json.dump(out, sys.stdout)


main()
