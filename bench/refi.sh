#!/usr/bin/env bash
# Benchmark of REFI-QDA exchange: `thematic import qdpx` and `thematic export qdpx`, beside qc's
# `qc init --import` on the same file.
#
#   bash bench/refi.sh                 # prints a Markdown table
#
# It times, with hyperfine (or a loop timed with `date` without it):
#   1. importing the largest sample in ../shared/refi-qda/samples (a real NVivo project);
#   2. exporting a generated N = 300 analysis folder (`generate.py 300`) to a .qdpx;
#   3. importing that .qdpx again;
# and runs qc's importer once on the same .qdpx (it takes tens of seconds).
#
# Environment (all optional):
#   N=300            size of the generated project
#   SEED=42          generator seed (the same data as bench/run.sh)
#   RUNS=10 WARMUP=2 hyperfine runs and warm-up runs
#   QC_TIMEOUT=600   seconds qc may take before it counts as not finished; QC=0 skips qc
#   SKIP_BUILD=1     use bench/data/refi/bin/thematic from the last run
#
# Data and raw measurements go to bench/data/refi/ (git-ignored); the table is also written to
# bench/data/refi/table.md.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
OUT="$BENCH/data/refi"
N="${N:-300}"
SEED="${SEED:-42}"
RUNS="${RUNS:-10}"
WARMUP="${WARMUP:-2}"
QC_TIMEOUT="${QC_TIMEOUT:-600}"
QC_BIN="$BENCH/.venv/bin/qc"
SAMPLES="$ROOT/../shared/refi-qda/samples"

log() { printf '[refi bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
mkdir -p "$OUT/bin"

# ---------------------------------------------------------------- build (copied aside, so a
# rebuild of target/ by someone else cannot change the binary halfway through)
if [ -n "${SKIP_BUILD:-}" ] && [ -x "$OUT/bin/thematic" ]; then
  log "SKIP_BUILD: using $OUT/bin/thematic"
else
  log "cargo build --release"
  (cd "$ROOT" && cargo build --release >&2)
  cp "$ROOT/target/release/thematic" "$OUT/bin/thematic"
fi
BIN="$OUT/bin/thematic"

# ---------------------------------------------------------------- data
LARGEST="$(ls -S "$SAMPLES"/*.qdpx | head -1)"
GEN_ID="seed=$SEED sha256=$(sha256sum "$BENCH/generate.py" | cut -c1-16)"
PROJECT="$BENCH/data/n$N"
if [ ! -f "$PROJECT/.generated" ] || [ "$(cat "$PROJECT/.generated")" != "$GEN_ID" ]; then
  PROJECT="$OUT/n$N"
  if [ ! -f "$PROJECT/.generated" ] || [ "$(cat "$PROJECT/.generated")" != "$GEN_ID" ]; then
    log "generating N=$N"
    rm -rf "$PROJECT"
    python3 "$BENCH/generate.py" "$N" "$PROJECT" --seed "$SEED" >&2
    echo "$GEN_ID" > "$PROJECT/.generated"
  fi
fi
QDPX="$OUT/n$N.qdpx"
"$BIN" export qdpx -p "$PROJECT" --out "$QDPX" >&2

# ---------------------------------------------------------------- timing
# bench JSON NAME PREPARE CMD: hyperfine (or a date loop) of CMD, PREPARE run before each run.
bench() {
  local json="$1" name="$2" prepare="$3" cmd="$4"
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --style basic --warmup "$WARMUP" --runs "$RUNS" --prepare "$prepare" \
      --export-json "$json" -n "$name" "$cmd" >&2
  else
    local times=() i t0 t1
    for ((i = 0; i < WARMUP + RUNS; i++)); do
      bash -c "$prepare"
      t0=$(date +%s.%N); bash -c "$cmd" >/dev/null; t1=$(date +%s.%N)
      [ "$i" -ge "$WARMUP" ] && times+=("$(python3 -c "print($t1 - $t0)")")
    done
    python3 -c 'import json,statistics,sys; t=[float(x) for x in sys.argv[2:]]; print(json.dumps({"results": [{"command": sys.argv[1], "mean": statistics.mean(t), "stddev": statistics.stdev(t) if len(t) > 1 else 0.0, "times": t}]}))' "$name" "${times[@]}" > "$json"
  fi
}
mean() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.3f ± %.3f" % (r["mean"], r["stddev"]))' "$1"; }
mean_s() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["mean"])' "$1"; }

log "import of the largest sample: $(basename "$LARGEST")"
bench "$OUT/hf-import-sample.json" import-sample "rm -rf $OUT/sample" \
  "$BIN import qdpx $LARGEST --into $OUT/sample"
log "export of N=$N"
bench "$OUT/hf-export.json" export "true" "$BIN export qdpx -p $PROJECT --out $OUT/again.qdpx"
log "import of N=$N"
bench "$OUT/hf-import.json" import "rm -rf $OUT/imported" "$BIN import qdpx $QDPX --into $OUT/imported"
cmp -s "$QDPX" "$OUT/again.qdpx" && SAME=yes || SAME=no
rc=0; "$BIN" check -p "$OUT/imported" > "$OUT/check.txt" 2>&1 || rc=$?

# ---------------------------------------------------------------- qc
QC_TIME="not run"
if [ "${QC:-1}" != 0 ] && [ -x "$QC_BIN" ]; then
  log "qc init --import (once; this takes a while)"
  rm -rf "$OUT/qc" && mkdir -p "$OUT/qc"
  # qc 1.7.8 left a breakpoint() in its importer; PYTHONBREAKPOINT=0 lets it run unattended.
  t0=$(date +%s.%N); rc_qc=0
  (cd "$OUT/qc" && PYTHONBREAKPOINT=0 timeout "$QC_TIMEOUT" "$QC_BIN" init --import "$QDPX" > "$OUT/qc.log" 2>&1) || rc_qc=$?
  t1=$(date +%s.%N)
  if [ $rc_qc = 0 ]; then QC_TIME=$(python3 -c "print(f'{$t1 - $t0:.1f}')"); elif [ $rc_qc = 124 ]; then QC_TIME="timeout"; else QC_TIME="failed"; fi
  QC_VERSION="$("$QC_BIN" version 2>/dev/null | tail -1)"
else
  QC_VERSION="not installed (bench/run.sh installs it into bench/.venv)"
fi

# ---------------------------------------------------------------- table
IMPORT_S=$(mean_s "$OUT/hf-import.json")
SPEEDUP="n/a"
case "$QC_TIME" in ''|*[!0-9.]*) ;; *) SPEEDUP=$(python3 -c "print(f'{$QC_TIME / $IMPORT_S:.0f}x')") ;; esac
{
  echo "| task | thematic (s) | qc (s) |"
  echo "|---|---|---|"
  echo "| import \`$(basename "$LARGEST")\` ($(du -k "$LARGEST" | cut -f1) KiB) | $(mean "$OUT/hf-import-sample.json") | |"
  echo "| export N = $N ($(du -k "$QDPX" | cut -f1) KiB .qdpx) | $(mean "$OUT/hf-export.json") | |"
  echo "| import N = $N | $(mean "$OUT/hf-import.json") | $QC_TIME ($SPEEDUP slower) |"
  echo
  echo "Exporting twice gives the same bytes: $SAME. \`thematic check\` of the imported N = $N folder: exit $rc, $(tail -1 "$OUT/check.txt")."
  echo "Machine: $(nproc) cores, $(lscpu | grep 'Model name' | sed 's/.*: *//' | head -1), $(free -h | awk '/^Mem:/ {print $2}'); $("$BIN" --version); qc $QC_VERSION; $(date -u '+%Y-%m-%d')."
} | tee "$OUT/table.md"
