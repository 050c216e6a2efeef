#!/usr/bin/env python3
"""A thematic survey folder as qc (qualitative-coding) holds it, and the counts of both compared.

    python3 bench/surveys_qc.py export SURVEY_DIR OUT
    python3 bench/surveys_qc.py compare OUT THEMATIC_CSV QC_DIR
    python3 bench/surveys_qc.py table RESULTS_DIR

`export` reads the analysis folder that bench/surveys.py writes (thematic.toml's
[surveys.NAME] tables: path, id, group, questions; codebook.md; coding/*.csv) and writes, under
OUT:

  answers/<group>-<respondent>-<question>.txt
                     one text file per non-empty answer, the answer as it is in the survey
                     (an answer with a line break is two lines): qc has no survey import, and
                     `qc corpus import` takes text files, so a survey goes in as one document
                     per response. qc has no attributes either: the group goes into the file
                     name, where `qc codes stats -p staff-` can select it, as bench/run.sh does
                     with the interviews.
  codes/<coder>/<same name>.txt
                     for each coding sheet (coder = the sheet's name) and each answer it codes,
                     the codes file `qc code` reads back from the coder's editor: one line per
                     answer line, with the comma-separated codes of that line. A row with an
                     empty quote codes the whole answer (every line); a row with a quote codes
                     the lines the quote touches (qc codes whole lines), found with white space
                     collapsed as thematic matches. Read by bench/qc_load.py.
  codebook.yaml      codebook.md's tree (themes, then codes) as qc's code tree
  groups/<group>.txt the answer files of each group, one a line (for `qc ... -f`)
  expected.json      per coder, code and group: the answers coded, the answer lines coded

`table` prints the Markdown tables of one size from the measurements bench/surveys_qc.sh leaves
in RESULTS_DIR (summary.tsv, env.tsv, hf-thematic.json, hf-qc.json, compare.md).

`compare` puts thematic's counts (`thematic stats --by group --format csv`, code level) beside
qc's (`qc codes stats -n document -m csv` per group, files QC_DIR/<coder>-<group>.csv, and the
line counts in QC_DIR/<coder>-<group>-lines.csv) and prints a Markdown table; exit 1 when the
coded answers per code and group differ.

Python 3.11 standard library only (tomllib).
"""

import csv
import glob
import json
import os
import re
import sys
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import mean_sd, read_hf, read_tsv  # noqa: E402  (the bench's shared helpers)


def yaml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def codebook_tree(path):
    """[(theme, [code id, ...])] from a codebook.md of `# Theme` headings and "- `code`" items
    (deeper headings are flattened into their theme: the survey codebook has none)."""
    tree = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("# "):
                tree.append((line[2:].strip(), []))
            else:
                m = re.match(r"- `([^`]+)`", line)
                if m and tree:
                    tree[-1][1].append(m.group(1))
    return tree


def codebook_yaml(tree):
    out = []
    for theme, codes in tree:
        out.append(f"- {yaml_str(theme)}:")
        out += [f"  - {c}" for c in codes]
    return "\n".join(out) + "\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def safe(s):
    return re.sub(r"[^A-Za-z0-9_.]+", "_", s) or "_"


def export(survey_dir, out):
    with open(os.path.join(survey_dir, "thematic.toml"), "rb") as fh:
        config = tomllib.load(fh)
    docs = {}  # thematic document id -> (file name, group, text)
    for name, s in config.get("surveys", {}).items():
        with open(os.path.join(survey_dir, s["path"]), encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                group = row.get(s.get("group", ""), "") or "all"
                rid = row[s["id"]]
                for q in s["questions"]:
                    text = row.get(q) or ""
                    if not text.strip():
                        continue
                    fname = f"{safe(group)}-{safe(rid)}-{safe(q)}.txt"
                    docs[f"{name}/{rid}/{q}"] = (fname, group, text)
    groups = {}
    for fname, group, text in docs.values():
        write(os.path.join(out, "answers", fname), text + "\n")
        groups.setdefault(group, []).append(fname)
    for group, names in groups.items():
        write(os.path.join(out, "groups", safe(group) + ".txt"), "\n".join(sorted(names)) + "\n")
    write(os.path.join(out, "codebook.yaml"),
          codebook_yaml(codebook_tree(os.path.join(survey_dir, "codebook.md"))))

    by_name = {fname: text for fname, _, text in docs.values()}
    expected = {}
    problems = []
    for sheet in sorted(glob.glob(os.path.join(survey_dir, "coding", "*.csv"))):
        coder = os.path.splitext(os.path.basename(sheet))[0]
        lines = {}  # file name -> {line: [codes]}
        with open(sheet, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                doc = docs.get(row["document"])
                codes = [c.strip() for c in re.split(r"[;,]", row.get("codes") or "") if c.strip()]
                if doc is None:
                    problems.append(f"{coder}: {row['document']}: not a non-empty answer")
                    continue
                fname, group, text = doc
                n = len(text.splitlines())
                quote = (row.get("quote") or "").strip()
                if not quote:
                    touched = range(n)
                else:
                    pattern = r"\s+".join(re.escape(t) for t in quote.split())
                    m = re.search(pattern, text)
                    if m is None:
                        problems.append(f"{coder}: {row['document']}: quote not found")
                        continue
                    touched = range(text.count("\n", 0, m.start()),
                                    text.count("\n", 0, m.end() - 1) + 1)
                doc_lines = lines.setdefault(fname, {})
                for k in touched:
                    lc = doc_lines.setdefault(k, [])
                    lc += [c for c in codes if c not in lc]
                for c in codes:
                    e = expected.setdefault(coder, {}).setdefault(c, {}).setdefault(
                        group, {"answers": set(), "lines": set()})
                    e["answers"].add(fname)
                    e["lines"].update((fname, k) for k in touched)
        for fname, doc_lines in lines.items():
            n = len(by_name[fname].splitlines())
            body = "\n".join(", ".join(doc_lines.get(k, [])) for k in range(n)) + "\n"
            write(os.path.join(out, "codes", coder, fname), body)
    summary = {
        coder: {code: {g: {"answers": len(v["answers"]), "lines": len(v["lines"])}
                       for g, v in by_group.items()}
                for code, by_group in codes.items()}
        for coder, codes in expected.items()
    }
    write(os.path.join(out, "expected.json"),
          json.dumps({"documents": len(docs), "groups": {g: len(v) for g, v in groups.items()},
                      "coding": summary, "problems": problems}, indent=1, sort_keys=True))
    coded = {coder: len(glob.glob(os.path.join(out, "codes", coder, "*.txt"))) for coder in expected}
    print(f"{len(docs)} answer files, coded answers per sheet {coded}, "
          f"{len(problems)} rows not mapped", file=sys.stderr)
    for p in problems[:10]:
        print("  " + p, file=sys.stderr)


def read_qc_csv(path):
    """{code: count} from `qc codes stats -m csv` output (a header, then code,count rows; an
    empty selection prints no rows)."""
    out = {}
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    for row in rows[1:]:
        if len(row) >= 2 and row[1].strip().isdigit():
            out[row[0].strip()] = int(row[1])
    return out


def compare(out, thematic_csv, qc_dir):
    with open(os.path.join(out, "expected.json"), encoding="utf-8") as fh:
        expected = json.load(fh)
    thematic = {}  # (code, group) -> (references, documents)
    with open(thematic_csv, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["level"] == "code":
                thematic[(row["node"], row["value"])] = (int(row["references"]),
                                                         int(row["documents"]))
    groups = sorted(expected["groups"])
    codes = []
    for code, _ in thematic:
        if code not in codes:
            codes.append(code)
    rows, differ = [], 0
    for coder, by_code in sorted(expected["coding"].items()):
        qc = {g: read_qc_csv(os.path.join(qc_dir, f"{coder}-{safe(g)}.csv")) or {} for g in groups}
        qcl = {g: read_qc_csv(os.path.join(qc_dir, f"{coder}-{safe(g)}-lines.csv")) or {}
               for g in groups}
        for code in codes:
            t_ref = [thematic.get((code, g), (0, 0))[0] for g in groups]
            t_doc = [thematic.get((code, g), (0, 0))[1] for g in groups]
            q_doc = [qc[g].get(code, 0) for g in groups]
            q_lines = sum(qcl[g].get(code, 0) for g in groups)
            e = [by_code.get(code, {}).get(g, {"answers": 0, "lines": 0}) for g in groups]
            e_doc = [x["answers"] for x in e]
            e_lines = sum(x["lines"] for x in e)
            same = t_doc == q_doc == e_doc
            differ += not same
            rows.append((coder, code, t_ref, t_doc, q_doc, q_lines, e_lines, same))
    slash = " / ".join
    print(f"Coded answers per code and group ({slash(groups)}):")
    print()
    print("| coder | code | thematic references | thematic answers | qc answers "
          "(`-n document`) | qc coded lines | lines the sheet touches | same answers |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for coder, code, t_ref, t_doc, q_doc, q_lines, e_lines, same in rows:
        print(f"| {coder} | {code} | {slash(map(str, t_ref))} | {slash(map(str, t_doc))} | "
              f"{slash(map(str, q_doc))} | {q_lines} | {e_lines} | "
              f"{'yes' if same else '**no**'} |")
    tot = lambda i: slash(str(sum(r[i][j] for r in rows)) for j in range(len(groups)))
    print(f"| **all** | | {tot(2)} | {tot(3)} | {tot(4)} | {sum(r[5] for r in rows)} | "
          f"{sum(r[6] for r in rows)} | {'yes' if differ == 0 else f'**{differ} differ**'} |")
    return 1 if differ else 0


def fmt_s(x):
    return f"{x * 1e3:.0f} ms" if x < 1 else f"{x:.2f} s"


def once(v):
    if v in (None, ""):
        return "—"
    if v == "timeout":
        return "**did not finish**"
    if v == "failed":
        return "**failed**"
    return fmt_s(float(v))


def mib(kb):
    return f"{int(kb) / 1024:.0f} MiB" if kb not in (None, "") else "—"


def ratio(q, t):
    try:
        return f"{float(q) / float(t):.0f}×"
    except (TypeError, ValueError, ZeroDivisionError):
        return "—"


def table(res):
    k = read_tsv(os.path.join(res, "summary.tsv"))
    env = read_tsv(os.path.join(res, "env.tsv"))
    ht = read_hf(os.path.join(res, "hf-thematic.json"))
    hq = read_hf(os.path.join(res, "hf-qc.json"))
    groups = k.get("groups", "").split()
    coders = k.get("coders", "").split()
    m = re.search(r"(\d+) documents", k.get("thematic_check_summary", ""))
    out = []
    out.append(f"{env.get('date', '')}; {env.get('machine', '')}; {env.get('thematic', '')}; "
               f"{env.get('qc', '')}, {env.get('python', '')}; {env.get('hyperfine', '')}")
    out.append(f"load average (1, 5, 15 min) before thematic: {k.get('load_thematic', '—')}; "
               f"before qc: {k.get('load_qc', '—')}")
    out.append("")
    out.append("| | thematic | qc |")
    out.append("|---|---:|---:|")
    out.append(f"| answers | {k.get('answers')} in one survey file "
               f"({int(k.get('survey_bytes', 0)) / 1e6:.1f} MB folder) | "
               f"{k.get('answer_files')} answer files "
               f"({int(k.get('answer_files_bytes', 0)) / 1e6:.1f} MB) |")
    out.append(f"| documents | {m.group(1) if m else '—'} (`check`) | "
               f"{k.get('qc_documents', '—')} (`qc corpus list`) |")
    for c in coders:
        out.append(f"| answers coded by `{c}` | {k.get('coded_answers_' + c, '—')} | "
                   f"the same, as codes files |")
    out.append(f"| coded answers per code and group agree | {k.get('counts_agree', '—')} | |")
    out.append(f"| `thematic check` | {k.get('thematic_check_summary', '—')} | |")
    out.append("")
    out.append("| step | thematic | time | peak RSS | qc | time | peak RSS | qc ÷ thematic |")
    out.append("|---|---|---:|---:|---|---:|---:|---:|")
    imp = k.get("qc_import_s")
    init = k.get("qc_init_s")
    try:
        first_qc = float(init) + float(imp)
    except (TypeError, ValueError):
        first_qc = None
    out.append(
        f"| read the survey | `check`, first run (no cache) | "
        f"{once(k.get('thematic_check_first_s'))} | {mib(k.get('thematic_check_first_rss_kb'))} | "
        f"`qc init` + `qc corpus import -r --importer verbatim` | "
        f"{once(init)} + {once(imp)} | {mib(k.get('qc_import_rss_kb'))} | "
        f"{ratio(first_qc, k.get('thematic_check_first_s'))} |")
    for c in coders:
        cli = k.get("qc_code_cli_s")
        if cli is not None:
            out.append(
                f"| record `{c}`'s coding | none: the sheet is read where it is | | | "
                f"`qc code {c}`, one process per coded answer "
                f"({k.get('qc_code_cli_done', '?')} done) | {once(cli)} | "
                f"{mib(k.get('qc_code_cli_rss_kb'))} | |")
        out.append(
            f"| record `{c}`'s coding | none | | | qc_load.py: `update_coded_lines`, one "
            f"process | {once(k.get('qc_load_' + c + '_s'))} | "
            f"{mib(k.get('qc_load_' + c + '_rss_kb'))} | |")
    rows = [
        ("check", "`check`", "check", "`qc check`"),
        ("stats per code", "`stats`", "stats", "`qc codes stats -n document`"),
        ("per code by group", "`stats --by group`", "stats_by_group",
         f"`qc codes stats -n document -p GROUP-` × {len(groups)}"),
        ("per theme by group", "`stats --level theme --by group`", "stats_theme_by_group",
         f"`qc codes stats -r -a -d 1 -t -n document -p GROUP-` × {len(groups)}"),
    ]
    for what, tcmd, key, qcmd in rows:
        t, tn, q = ht.get(key), ht.get(key + "_nocache"), hq.get(key)
        rss_t = {"check": k.get("thematic_check_rss_kb"),
                 "stats_by_group": k.get("thematic_stats_rss_kb")}.get(key)
        rss_q = k.get("qc_stats_rss_kb") if key == "stats" else None
        tcell = "—" if not tcmd else f"{mean_sd(t)} (cache off: {mean_sd(tn)})"
        out.append(f"| {what} | {tcmd or '—'} | {tcell} | {mib(rss_t) if rss_t else ''} | {qcmd} | "
                   f"{mean_sd(q)} | {mib(rss_q) if rss_q else ''} | "
                   f"{ratio(q['mean'], t['mean']) if q and t else '—'} |")
    out.append("")
    out.append(f"thematic `stats --by group` peak RSS with THEMATIC_CACHE=off: "
               f"{mib(k.get('thematic_stats_nocache_rss_kb'))}. qc database "
               f"{int(k.get('qc_db_bytes', 0)) / 1e6:.1f} MB, project folder "
               f"{int(k.get('qc_project_bytes', 0)) / 1e6:.1f} MB. `qc code` and the one-process "
               f"load give the same counts: {k.get('qc_cli_same_as_load', '—')}.")
    cmp_md = os.path.join(res, "compare.md")
    if os.path.exists(cmp_md):
        out.append("")
        with open(cmp_md, encoding="utf-8") as fh:
            out.append(fh.read().rstrip("\n"))
    print("\n".join(out))
    return 0


def main(argv):
    if len(argv) == 3 and argv[0] == "export":
        export(argv[1], argv[2])
        return 0
    if len(argv) == 2 and argv[0] == "table":
        return table(argv[1])
    if len(argv) == 4 and argv[0] == "compare":
        return compare(argv[1], argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
