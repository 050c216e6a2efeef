#!/usr/bin/env bash
# Benchmark of the analyses on a generated folder: `triangulate`, `report` and `agree` (char
# and turn units, two coders coding every document).
#
#   bash bench/analyses.sh            # N = 3000 (SIZES="300 3000" for more)
#
# Uses the folders bench/run.sh generates (bench/data/nN, made here too if missing), copied to
# bench/data/agree-nN with a second coder from second_coder.py. Prints a Markdown table.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
DATA="$BENCH/data"
SIZES="${SIZES:-3000}"
RUNS="${RUNS:-5}"
cd "$ROOT"
command -v hyperfine >/dev/null || { echo "error: needs hyperfine (apt-get install -y hyperfine)" >&2; exit 2; }
cargo build --release --quiet
mkdir -p "$DATA/bin"
cp target/release/thematic "$DATA/bin/thematic-analyses"
T="$DATA/bin/thematic-analyses"

echo "| N | command | mean ± σ (s) | peak RSS (MiB) |"
echo "|---|---|---|---|"
for n in $SIZES; do
  src="$DATA/n$n"
  [ -d "$src" ] || python3 "$BENCH/generate.py" "$n" "$src" --seed 42 >/dev/null
  dir="$DATA/agree-n$n"
  if [ ! -d "$dir" ]; then
    cp -r "$src" "$dir"
    python3 "$BENCH/second_coder.py" "$dir"
  fi
  for cmd in "triangulate" "report --out $DATA/report-n$n" "agree --unit char" "agree --unit turn"; do
    json="$DATA/analyses-n$n-${cmd%% *}-$(echo "$cmd" | tr -c 'a-z' '_').json"
    hyperfine --warmup 1 --runs "$RUNS" --export-json "$json" "$T $cmd -p $dir >/dev/null 2>&1" >/dev/null
    read -r mean sd < <(python3 -c "import json,sys; r=json.load(open('$json'))['results'][0]; print(f\"{r['mean']:.3f} {r['stddev']:.3f}\")")
    rss=$(/usr/bin/time -f "%M" "$T" $cmd -p "$dir" 2>&1 >/dev/null | tail -1)
    echo "| $n | thematic $cmd | $mean ± $sd | $((rss / 1024)) |"
  done
done
