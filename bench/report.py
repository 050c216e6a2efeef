#!/usr/bin/env python3
"""Markdown tables from the measurements that bench/run.sh leaves in RESULTS_DIR.

    python3 bench/report.py bench/data/results
"""

import glob
import json
import os
import sys


def read_tsv(path):
    out = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if "\t" in line:
                    k, v = line.rstrip("\n").split("\t", 1)
                    out[k] = v
    return out


def read_hf(path):
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return {r["command"]: r for r in data["results"]}


def secs(x):
    if x is None:
        return "—"
    if x < 1e-3:
        return f"{x * 1e6:.0f} µs"
    if x < 1:
        return f"{x * 1e3:.1f} ms"
    return f"{x:.2f} s"


def mean_sd(r):
    if not r:
        return "—"
    m, s = r["mean"], r.get("stddev") or 0.0
    if m < 1:
        return f"{m * 1e3:.1f} ± {s * 1e3:.1f} ms"
    return f"{m:.2f} ± {s:.2f} s"


def mib(kb):
    return f"{int(kb) / 1024:.1f} MiB" if kb else "—"


def size(b):
    b = int(b)
    if b >= 1 << 20:
        return f"{b / (1 << 20):.1f} MiB"
    return f"{b / 1024:.0f} KiB"


def step(v):
    if v is None:
        return "—"
    if v in ("timeout", "failed"):
        return "did not finish" if v == "timeout" else "failed"
    return secs(float(v))


def progress(log):
    """The last "K documents, ..." progress line that qc_load.py printed, as K."""
    done = None
    if os.path.exists(log):
        with open(log, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                parts = line.split(" documents, ")
                if len(parts) == 2 and parts[0].strip().isdigit():
                    done = parts[0].strip()
    return done


def main():
    res = sys.argv[1] if len(sys.argv) > 1 else "bench/data/results"
    env = read_tsv(os.path.join(res, "env.tsv"))
    env.update(read_tsv(os.path.join(res, "qc-env.tsv")))
    rows = []
    for path in glob.glob(os.path.join(res, "thematic-n*.tsv")):
        kv = read_tsv(path)
        n = int(kv["n"])
        kv.update({k: v for k, v in read_tsv(os.path.join(res, f"qc-n{n}.tsv")).items()
                   if k != "n"})
        kv["hf"] = read_hf(os.path.join(res, f"hf-thematic-n{n}.json"))
        kv["qc"] = read_hf(os.path.join(res, f"hf-qc-n{n}.json"))
        rows.append((n, kv))
    rows.sort()

    p = print
    p(f"Machine: {env.get('nproc', '?')} cores ({env.get('cpu', '?')}), "
      f"{env.get('memory', '?')} memory, Linux {env.get('kernel', '?')}; {env.get('date', '')}.")
    p(f"thematic {env.get('thematic_commit', '?')}, "
      f"{env.get('rustc', '')}; {env.get('qc', 'qc not run')}; {env.get('hyperfine', '')}.")
    p()
    p("### Corpus")
    p()
    p("| N | words (`wc -w`) | transcripts on disk | analysis folder | coded quotes | `check` says |")
    p("|---:|---:|---:|---:|---:|---|")
    for n, kv in rows:
        p(f"| {n:,} | {int(kv['words']):,} | {size(kv['transcripts_bytes'])} | "
          f"{size(kv['analysis_bytes'])} | {int(kv['coded_rows']):,} | "
          f"{kv.get('check_summary', '')} (exit {kv.get('check_exit', '?')}) |")
    p()
    p("### thematic beside `wc -w` (mean ± σ of hyperfine runs; peak RSS: max of 3 runs)")
    p()
    p("| N | `wc -w` | `check` | `stats --level theme --by group` | check ÷ wc | stats ÷ wc "
      "| check peak RSS | stats peak RSS | peak RSS ÷ analysis folder | load average before |")
    p("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, kv in rows:
        hf = kv["hf"]
        wc, ck, st = hf.get("wc"), hf.get("check"), hf.get("stats")
        ratio = lambda a: f"{a['mean'] / wc['mean']:.1f}×" if a and wc else "—"
        rss = max(int(kv.get("check_rss_kb", 0)), int(kv.get("stats_rss_kb", 0)))
        p(f"| {n:,} | {mean_sd(wc)} | {mean_sd(ck)} | {mean_sd(st)} | {ratio(ck)} | {ratio(st)} "
          f"| {mib(kv.get('check_rss_kb'))} | {mib(kv.get('stats_rss_kb'))} "
          f"| {rss * 1024 / int(kv['analysis_bytes']):.2f}× | {kv.get('loadavg', '—')} |")
    p()
    if any(kv["qc"] or "qc_import_s" in kv for _, kv in rows):
        p("### qc (qualitative-coding) on the same corpus and coding")
        p()
        p("| N | init | `corpus import` | coding load, one process | coding load, `qc code` per document "
          "| `codes stats` (themes) | the same per group (3 calls) | `qc check` | stats peak RSS "
          "| qc per group ÷ thematic stats |")
        p("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n, kv in rows:
            if "qc_import_s" not in kv:
                continue
            qc, hf = kv["qc"], kv["hf"]
            load = step(kv.get("qc_load_s"))
            if kv.get("qc_load_s") == "timeout":
                done = progress(os.path.join(res, f"qc-load-n{n}.log"))
                if done:
                    load += f" in {kv.get('qc_timeout', '600')} s ({done} documents loaded)"
            if kv.get("qc_load_bulk_s"):
                load += f" (stats timed after a direct SQL load: {step(kv['qc_load_bulk_s'])})"
            by = qc.get("stats_by_group")
            st = hf.get("stats")
            speed = f"{by['mean'] / st['mean']:.0f}×" if by and st else "—"
            p(f"| {n:,} | {step(kv.get('qc_init_s'))} | {step(kv.get('qc_import_s'))} | {load} "
              f"| {step(kv.get('qc_load_cli_s'))} | {mean_sd(qc.get('stats'))} | {mean_sd(by)} "
              f"| {mean_sd(qc.get('check'))} | {mib(kv.get('qc_stats_rss_kb'))} | {speed} |")
        p()

    big = [kv for n, kv in rows if n == max(r[0] for r in rows)]
    if big:
        kv = big[0]
        hf, qc = kv["hf"], kv["qc"]
        n = int(kv["n"])
        p(f"### Targets at N = {n:,}")
        p()
        p("| target | measured | met |")
        p("|---|---|---|")
        wc = hf.get("wc")
        for name in ("check", "stats"):
            r = hf.get(name)
            if not r:
                continue
            p(f"| `{name}` under 1 s | {mean_sd(r)} | {'yes' if r['mean'] < 1 else '**no**'} |")
            if wc:
                x = r["mean"] / wc["mean"]
                p(f"| `{name}` within 10× of `wc -w` | {x:.1f}× | {'yes' if x <= 10 else '**no**'} |")
        rss = max(int(kv.get("check_rss_kb", 0)), int(kv.get("stats_rss_kb", 0))) * 1024
        x = rss / int(kv["analysis_bytes"])
        p(f"| peak memory under 4× the corpus | {x:.2f}× ({mib(rss // 1024)} for "
          f"{size(kv['analysis_bytes'])}) | {'yes' if x < 4 else '**no**'} |")
        by, st = qc.get("stats_by_group"), hf.get("stats")
        if by and st:
            x = by["mean"] / st["mean"]
            note = " (qc's database filled by SQL: its own load did not finish)" \
                if kv.get("qc_stats_on_bulk") else ""
            p(f"| ≥ 50× faster than qc's equivalent (`stats --by group` vs 3 × `qc codes stats`)"
              f" | {x:.0f}×{note} | {'yes' if x >= 50 else '**no**'} |")
        elif "qc_import_s" in kv:
            p("| ≥ 50× faster than qc's equivalent | qc did not finish | — |")


if __name__ == "__main__":
    main()
