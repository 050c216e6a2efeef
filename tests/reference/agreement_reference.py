#!/usr/bin/env python3
"""Reference values for thematic's inter-coder agreement statistics.

Reads a JSON file of reliability data (or standard input when the path is "-" or absent):

    {"cases": [{"id": "case-0", "data": [[1, 2, null, ...], [1, 3, 2, ...]]}, ...]}

where `data` holds one list per coder (coder-major, as `krippendorff.alpha` takes it), one entry
per unit, `null` for a missing value, values being integers. Prints, as JSON:

    {"results": [{"id": "case-0", "percent_agreement": 0.8, "cohen_kappa": 0.6,
                  "krippendorff_alpha": 0.61}, ...]}

- percent_agreement: share of pairable units (at least two values) on which all the values
  given agree (computed here in plain Python, the definition thematic uses);
- cohen_kappa: scikit-learn's `cohen_kappa_score` on the units both coders coded, for cases
  with exactly two coders (null otherwise);
- krippendorff_alpha: the `krippendorff` package's
  `alpha(reliability_data=..., level_of_measurement="nominal")`.

A statistic that is undefined (the library raises, or returns NaN) is null.

Needs: pip install scikit-learn krippendorff
"""

import json
import math
import sys
import warnings

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score


def finite_or_none(x):
    x = float(x)
    return x if math.isfinite(x) else None


def percent_agreement(data):
    units = len(data[0]) if data else 0
    agree = pairable = 0
    for u in range(units):
        values = [coder[u] for coder in data if coder[u] is not None]
        if len(values) >= 2:
            pairable += 1
            if all(v == values[0] for v in values):
                agree += 1
    return agree / pairable if pairable else None


def kappa(data):
    if len(data) != 2:
        return None
    pairs = [(a, b) for a, b in zip(data[0], data[1]) if a is not None and b is not None]
    if not pairs:
        return None
    first = [a for a, _ in pairs]
    second = [b for _, b in pairs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return finite_or_none(cohen_kappa_score(first, second))
        except (ValueError, ZeroDivisionError):
            return None


def alpha(data):
    matrix = np.array(
        [[np.nan if v is None else float(v) for v in coder] for coder in data], dtype=float
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return finite_or_none(
                krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
            )
        except (ValueError, ZeroDivisionError):
            return None


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "-"
    if path == "-":
        cases = json.load(sys.stdin)["cases"]
    else:
        with open(path, encoding="utf-8") as f:
            cases = json.load(f)["cases"]
    results = []
    for case in cases:
        data = case["data"]
        results.append(
            {
                "id": case["id"],
                "percent_agreement": percent_agreement(data),
                "cohen_kappa": kappa(data),
                "krippendorff_alpha": alpha(data),
            }
        )
    json.dump({"results": results}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
