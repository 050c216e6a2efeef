#!/usr/bin/env python3
"""Deterministic synthetic free-text survey for benchmarking `thematic` on surveys.

    python3 bench/surveys.py ANSWERS OUTDIR [--seed 42]

Writes, under OUTDIR, an analysis folder of one survey with about ANSWERS non-empty answers:

  thematic.toml        [groups] and [surveys.national]: path, id, group, three questions
  surveys/national.csv one row per respondent: respondent, role, region, age_band, q1, q2, q3;
                       each answer about 30 words (15-45) of evaluation-survey prose, about 10%
                       of answers left empty, a few with commas, quotes and line breaks
  codebook.md          4 themes x 5 codes = 20 codes, each with a `search:` rule (autocode's 20
                       rules)
  coding/analyst.csv   about 2% of answers coded by hand with the code of what they are about
                       (a random code when they are about nothing): half whole answers (empty
                       quote), half a sentence inside the answer

Only the Python 3 standard library is used. The same ANSWERS, seed and Python 3 give the same
bytes; respondent i does not depend on ANSWERS.
"""

import argparse
import csv
import os
import random

GROUPS = [("staff", "Staff", 0.3), ("partner", "Partner organisations", 0.45), ("public", "Members of the public", 0.25)]
REGIONS = ["North", "South", "East", "West", "Midlands", "Wales", "Scotland"]
AGES = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
QUESTIONS = [
    ("q1", "What has worked well?"),
    ("q2", "What would you change?"),
    ("q3", "Anything else you want to tell us?"),
]

# 20 codes: id, search rule, the words that trigger it.
CODES = [
    ("Relationships", [
        ("trust", "trust OR trusted", ["trust", "trusted"]),
        ("communication", "communication OR informed", ["communication", "informed"]),
        ("respect", "respect OR respected", ["respect", "respected"]),
        ("listening", "listened OR listening", ["listened", "listening"]),
        ("partnership", "partnership OR partners", ["partnership", "partners"]),
    ]),
    ("Resources", [
        ("funding", "funding OR money", ["funding", "money"]),
        ("staffing", "staffing OR understaffed", ["staffing", "understaffed"]),
        ("time", "\"more time\" OR rushed", ["more time", "rushed"]),
        ("buildings", "building OR premises", ["building", "premises"]),
        ("technology", "technology OR online", ["technology", "online"]),
    ]),
    ("Access", [
        ("waiting", "waiting OR delays", ["waiting", "delays"]),
        ("transport", "transport OR bus", ["transport", "bus"]),
        ("language", "interpreter OR language", ["interpreter", "language"]),
        ("cost", "cost OR afford", ["cost", "afford"]),
        ("information", "leaflets OR website", ["leaflets", "website"]),
    ]),
    ("Outcomes", [
        ("wellbeing", "wellbeing OR confidence", ["wellbeing", "confidence"]),
        ("skills", "skills OR training", ["skills", "training"]),
        ("employment", "job OR employment", ["job", "employment"]),
        ("isolation", "lonely OR isolation", ["lonely", "isolation"]),
        ("health", "health OR healthier", ["health", "healthier"]),
    ]),
]

FILLER = (
    "the service has been good for us and the team were kind when we needed help "
    "it would be better if there was a clearer plan for the next year and more joined up work "
    "between the different organisations in the area we would like to see this continue "
    "people in the community often say that the groups make a real difference to their week "
    "sometimes it is hard to know who to contact and what happens after the first meeting"
).split()


def sentence(rng, words):
    s = " ".join(words)
    return s[0].upper() + s[1:] + "."


def answer(rng):
    """About 30 words: two or three sentences, one to three code triggers among them; also the
    codes whose triggers it holds, in order."""
    n = rng.randint(15, 45)
    triggers = []
    codes = []
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        theme = rng.choice(CODES)[1]
        code = rng.choice(theme)
        triggers.append(rng.choice(code[2]))
        codes.append(code[0])
    words = [rng.choice(FILLER) for _ in range(n - len(triggers))]
    for t in triggers:
        words.insert(rng.randrange(len(words) + 1), t)
    cuts = sorted(rng.sample(range(5, max(6, len(words) - 4)), k=min(2, max(0, len(words) - 10))))
    parts, last = [], 0
    for c in cuts + [len(words)]:
        if c > last:
            parts.append(sentence(rng, words[last:c]))
        last = c
    text = " ".join(parts)
    r = rng.random()
    if r < 0.03:
        text = text.replace(". ", ", to be honest. ", 1)
    elif r < 0.05:
        text = text + ' As one person said, "it changed things".'
    elif r < 0.06:
        text = text.replace(". ", ".\n", 1)
    return text, codes


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("answers", type=int)
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    out = args.outdir
    os.makedirs(os.path.join(out, "surveys"), exist_ok=True)
    os.makedirs(os.path.join(out, "coding"), exist_ok=True)
    with open(os.path.join(out, "thematic.toml"), "w", encoding="utf-8") as f:
        f.write('[project]\ntitle = "National programme survey"\n\n[groups]\n')
        for g, label, _ in GROUPS:
            f.write(f'{g} = "{label}"\n')
        f.write('\n[report]\ncompare = ["group", "region"]\n')
        f.write('\n[surveys.national]\npath = "surveys/national.csv"\nid = "respondent"\ngroup = "role"\n')
        f.write('questions = ["q1", "q2", "q3"]\nattribution = "(Respondent {respondent}, {region})"\n')
        f.write("\n[surveys.national.labels]\n")
        for q, label in QUESTIONS:
            f.write(f'{q} = "{label}"\n')
    with open(os.path.join(out, "codebook.md"), "w", encoding="utf-8") as f:
        for theme, codes in CODES:
            f.write(f"# {theme}\nWhat respondents said about {theme.lower()}.\n\n")
            for code, rule, _ in codes:
                f.write(f"- `{code}` — {code} as respondents describe it.\n  - search: {rule}\n")
            f.write("\n")
    written = 0
    respondent = 0
    coding = []
    with open(os.path.join(out, "surveys", "national.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["respondent", "role", "region", "age_band"] + [q for q, _ in QUESTIONS])
        while written < args.answers:
            respondent += 1
            rng = random.Random(args.seed * 1_000_003 + respondent)
            x = rng.random()
            role = GROUPS[0][0] if x < GROUPS[0][2] else GROUPS[1][0] if x < GROUPS[0][2] + GROUPS[1][2] else GROUPS[2][0]
            answers = []
            for q, _ in QUESTIONS:
                if written < args.answers and rng.random() >= 0.1:
                    text, about = answer(rng)
                    answers.append(text)
                    written += 1
                    if rng.random() < 0.02:
                        theme = rng.choice(CODES)[1]
                        code = rng.choice(theme)[0]
                        # The analyst codes what the answer is about (its first trigger's code)
                        # when it is about something, so `suggest` has something to learn; the
                        # draws above are kept so the answers' text stays as it was.
                        if about:
                            code = about[0]
                        first = text.split(". ")[0]
                        if rng.random() < 0.5 or "\n" in first or '"' in first:
                            coding.append((f"national/{respondent + 100000}/{q}", "", code))
                        else:
                            quote = first if first.endswith(".") else first + "."
                            if text.count(quote) == 1:
                                coding.append((f"national/{respondent + 100000}/{q}", quote, code))
                else:
                    answers.append("")
            w.writerow([respondent + 100000, role, rng.choice(REGIONS), rng.choice(AGES)] + answers)
    with open(os.path.join(out, "coding", "analyst.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["document", "quote", "codes"])
        w.writerows(coding)
    print(f"{written} answers from {respondent} respondents, {len(coding)} coded rows in {out}")


if __name__ == "__main__":
    main()
