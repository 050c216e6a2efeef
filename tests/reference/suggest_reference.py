"""Reference for `thematic suggest`: the same model in scikit-learn.

Reads the out-of-fold scores `thematic suggest --scores FILE` wrote (code, document, turn,
fold, coded, score, text). For each code and fold, fits `CountVectorizer(ngram_range=(1, 2))`
and `MultinomialNB()` on the other folds' units and scores the fold's units; prints JSON: per
code the largest difference from thematic's scores, and the true positives, false positives and
false negatives at the threshold.

    python suggest_reference.py SCORES.csv THRESHOLD
"""
import csv
import json
import sys
from collections import defaultdict

from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB


def main():
    path, threshold = sys.argv[1], float(sys.argv[2])
    rows = defaultdict(list)
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows[r["code"]].append(r)
    out = {}
    for code, units in rows.items():
        folds = sorted({int(u["fold"]) for u in units})
        diff, tp, fp, fn = 0.0, 0, 0, 0
        for k in folds:
            train = [u for u in units if int(u["fold"]) != k]
            test = [u for u in units if int(u["fold"]) == k]
            y = [int(u["coded"]) for u in train]
            vec = CountVectorizer(ngram_range=(1, 2))
            x = vec.fit_transform([u["text"] for u in train])
            if len(set(y)) < 2:
                probs = [float(y[0])] * len(test)
            else:
                nb = MultinomialNB().fit(x, y)
                col = list(nb.classes_).index(1)
                probs = nb.predict_proba(vec.transform([u["text"] for u in test]))[:, col]
            for u, p in zip(test, probs):
                diff = max(diff, abs(float(u["score"]) - float(p)))
                suggested, coded = bool(p >= threshold), u["coded"] == "1"
                tp += int(suggested and coded)
                fp += int(suggested and not coded)
                fn += int(coded and not suggested)
        out[code] = {"max_diff": diff, "tp": tp, "fp": fp, "fn": fn}
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
