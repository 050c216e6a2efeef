#!/usr/bin/env bash
# Benchmark of the survey pipeline: check, autocode (20 rules), stats, triangulate, report,
# one after another on one analysis folder, each timed with its peak memory; then `suggest`,
# timed apart.
#
#   bash bench/surveys.sh                  # 10^4, 10^5 and 10^6 answers; prints a Markdown table
#
# Environment (all optional):
#   SIZES="10000 100000 1000000"   numbers of answers (about 30 words each)
#   SEED=42                        generator seed
#   BIN=target/release/thematic    the binary to time (default: `cargo build --release` first)
#   CACHE=on                       `THEMATIC_CACHE` for the runs; each size starts with a cold
#                                  cache (.thematic/ removed), so the first command pays the load
#
# Data goes to bench/data/surveys/ (git-ignored); raw measurements to
# bench/data/results/surveys-N.tsv; the table to bench/data/results/surveys.md.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
DATA="$BENCH/data/surveys"
RES="$BENCH/data/results"
SIZES="${SIZES:-10000 100000 1000000}"
SEED="${SEED:-42}"
CACHE="${CACHE:-on}"
mkdir -p "$DATA" "$RES"
log() { printf '[surveys %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ -z "${BIN:-}" ]; then
  log "cargo build --release"
  (cd "$ROOT" && cargo build --release --quiet)
  BIN="$ROOT/target/release/thematic"
fi
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is needed" >&2; exit 2; }

STEPS=("check" "autocode" "stats" "triangulate" "report")
TABLE="$RES/surveys.md"
{
  echo "| answers | survey MB | step | seconds | peak MB | exit |"
  echo "|---:|---:|---|---:|---:|---:|"
} > "$TABLE"

for n in $SIZES; do
  dir="$DATA/$n"
  if [ ! -f "$dir/.done-$SEED" ] || [ "$BENCH/surveys.py" -nt "$dir/.done-$SEED" ]; then
    rm -rf "$dir"
    log "generating $n answers"
    python3 "$BENCH/surveys.py" "$n" "$dir" --seed "$SEED" >&2
    touch "$dir/.done-$SEED"
  fi
  rm -rf "$dir/.thematic" "$dir/report" "$dir/coding/autocode.csv"
  # The cache trusts only files that have settled: date the inputs a minute back.
  find "$dir" -type f -not -path '*/.thematic/*' -exec touch -d '-2 minutes' {} +
  mb=$(python3 -c "import os,sys; print(f'{os.path.getsize(sys.argv[1])/1e6:.1f}')" "$dir/surveys/national.csv")
  raw="$RES/surveys-$n.tsv"
  : > "$raw"
  total=0
  for step in "${STEPS[@]}"; do
    args=("$step")
    [ "$step" = "triangulate" ] && args+=("--level" "code")
    log "$n: thematic ${args[*]}"
    set +e
    THEMATIC_CACHE="$CACHE" /usr/bin/time -f '%e %M' -o "$RES/time.txt" \
      "$BIN" "${args[@]}" -p "$dir" > "$RES/out-$step.txt" 2> "$RES/err-$step.txt"
    code=$?
    set -e
    read -r secs kb < "$RES/time.txt"
    peak=$((kb / 1024))
    total=$(python3 -c "print(round($total + $secs, 2))")
    printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$step" "$secs" "$peak" "$code" >> "$raw"
    echo "| $n | $mb | $step | $secs | $peak | $code |" >> "$TABLE"
    # autocode's suggestions are a sheet: settle it too, so the next load can be cached.
    find "$dir/coding" -type f -exec touch -d '-2 minutes' {} +
  done
  echo "| $n | $mb | **total** | **$total** | | |" >> "$TABLE"
  # `suggest` (issue 10's own target: under 5 minutes at a million answers) is timed apart:
  # it learns every code from the analyst's coding, cross-validates and writes suggestions.
  log "$n: thematic suggest"
  set +e
  THEMATIC_CACHE="$CACHE" /usr/bin/time -f '%e %M' -o "$RES/time.txt" \
    "$BIN" suggest -p "$dir" > "$RES/out-suggest.txt" 2> "$RES/err-suggest.txt"
  code=$?
  set -e
  read -r secs kb < "$RES/time.txt"
  printf '%s\t%s\t%s\t%s\t%s\n' "$n" suggest "$secs" "$((kb / 1024))" "$code" >> "$raw"
  echo "| $n | $mb | suggest (apart) | $secs | $((kb / 1024)) | $code |" >> "$TABLE"
done
cat "$TABLE"
