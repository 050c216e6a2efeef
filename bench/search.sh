#!/usr/bin/env bash
# Benchmark of working inside the data on the generated folders (N = 3,000: about 56 MB of
# transcripts, 9 million words): building the search index from nothing, a warm query as a
# whole process beside `rg -c` for the same phrase over the same files (one run, side by
# side), bringing the index up to date after one transcript changes, autocode with 60 rules,
# and `stats` with the cache of the loaded folder warm and off.
#
#   bash bench/search.sh              # N = 300 and 3000 (SIZES="3000" for one)
#
# Uses the folders bench/run.sh generates (bench/data/nN, made here if missing), copied to
# bench/data/search-nN so the index never touches them. Prints a Markdown table.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
DATA="$BENCH/data"
SIZES="${SIZES:-300 3000}"
RUNS="${RUNS:-20}"
cd "$ROOT"
for tool in hyperfine rg; do
  command -v "$tool" >/dev/null || { echo "error: needs $tool (apt-get install -y hyperfine ripgrep)" >&2; exit 2; }
done
cargo build --release --quiet
mkdir -p "$DATA/bin"
cp target/release/thematic "$DATA/bin/thematic-search"
T="$DATA/bin/thematic-search"
# A common phrase (hundreds of hits) and a rarer one (tens), both in the generated text.
PHRASES="${PHRASES:-the people|people because}"

mean() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print(' '.join(f\"{x['mean']*1000:.1f}±{x['stddev']*1000:.1f}\" for x in r))" "$1"; }

IFS='|' read -r -a phrases <<< "$PHRASES"
echo "| N | step | time | note |"
echo "|---|---|---|---|"
for n in $SIZES; do
  src="$DATA/n$n"
  [ -d "$src" ] || python3 "$BENCH/generate.py" "$n" "$src" --seed 42 >/dev/null
  dir="$DATA/search-n$n"
  rm -rf "$dir"
  cp -r "$src" "$dir"
  words=$(cat "$dir"/transcripts/*.txt | wc -w)
  mb=$(du -sm "$dir/transcripts" | cut -f1)

  # 1. The index from nothing (one run each: it is minutes of CPU at worst).
  for i in 1 2 3; do
    rm -rf "$dir/.thematic"
    /usr/bin/time -f "%e %M" -o "$DATA/search-build-$i.txt" "$T" search "\"${phrases[0]}\"" --count -p "$dir" >/dev/null
  done
  read -r build rss < <(sort -n "$DATA"/search-build-*.txt | sed -n 2p)
  index_mb=$(du -sm "$dir/.thematic" | cut -f1)
  echo "| $n | index build (first search) | ${build} s (median of 3) | $words words, $mb MB of transcripts; index $index_mb MB; peak RSS $((rss / 1024)) MiB |"

  # 2. A warm query as a whole process, beside rg -c for the same phrase, in one run.
  for PHRASE in "${phrases[@]}"; do
    hits=$("$T" search "\"$PHRASE\"" --count --format csv -p "$dir" | awk -F, '$1=="document"{s+=$3} END{print s+0}')
    rghits=$( (rg -i -c --no-filename "$PHRASE" "$dir/transcripts" || true) | awk '{s+=$1} END{print s+0}')
    hyperfine --warmup 3 --runs "$RUNS" -N -i --export-json "$DATA/search-warm-n$n.json" \
      "$T search \"\\\"$PHRASE\\\"\" --count -p $dir" \
      "rg -i -c \"$PHRASE\" $dir/transcripts" >/dev/null
    read -r ours theirs < <(mean "$DATA/search-warm-n$n.json")
    echo "| $n | warm query \`search '\"$PHRASE\"' --count\` | $ours ms | $hits hits (stemmed words, across line breaks) |"
    echo "| $n | \`rg -i -c \"$PHRASE\"\`, same files, same run | $theirs ms | $rghits matching lines (exact text, line by line) |"
  done

  # 3. One transcript edited: only it is indexed again (the project is loaded to find it).
  first=$(cd "$dir/transcripts" && for f in *; do echo "$f"; break; done)
  printf '\nInterviewer: One more question about the partnership?\n' >> "$dir/transcripts/$first"
  /usr/bin/time -f "%e %M" -o "$DATA/search-update.txt" "$T" search "\"${phrases[0]}\"" --count -p "$dir" >/dev/null
  read -r upd urss < "$DATA/search-update.txt"
  echo "| $n | after one transcript changed | ${upd} s | loads the folder, re-indexes 1 document; peak RSS $((urss / 1024)) MiB |"

  # 4. autocode: a search: rule on every one of the 60 codes (bench/rules.py), sentence units.
  python3 "$BENCH/rules.py" "$dir" >/dev/null
  "$T" autocode -p "$dir" >/dev/null 2>&1 # the index follows the new codebook first
  for i in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$DATA/search-auto-$i.txt" "$T" autocode -p "$dir" >/dev/null 2>&1
  done
  read -r auto arss < <(sort -n "$DATA"/search-auto-*.txt | sed -n 2p)
  rows=$(($(wc -l < "$dir/coding/autocode.csv") - 1))
  echo "| $n | \`autocode\`, 60 rules, sentence units | ${auto} s (median of 3) | $rows rows of suggestions written; peak RSS $((arss / 1024)) MiB |"

  # 5. stats with the cache of the loaded folder: warm, and off (THEMATIC_CACHE=off).
  rm -f "$dir/coding/autocode.csv"
  touch -d "1 hour ago" "$dir"/*.toml "$dir"/*.csv "$dir"/*.md "$dir"/transcripts/* "$dir"/coding/* 2>/dev/null || true
  "$T" stats --level theme --by group -p "$dir" >/dev/null
  hyperfine --warmup 3 --runs "$RUNS" -N --export-json "$DATA/search-stats-n$n.json" \
    "$T stats --level theme --by group -p $dir" >/dev/null
  THEMATIC_CACHE=off hyperfine --warmup 1 --runs 5 -N --export-json "$DATA/search-stats-off-n$n.json" \
    "$T stats --level theme --by group -p $dir" >/dev/null
  read -r warm < <(mean "$DATA/search-stats-n$n.json")
  read -r off < <(mean "$DATA/search-stats-off-n$n.json")
  echo "| $n | \`stats --level theme --by group\`, cache warm | $warm ms | cache off: $off ms |"
done
