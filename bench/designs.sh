#!/usr/bin/env bash
# Benchmark of the evaluation designs on the generated N = 3,000 folder with 4 document
# attributes (wave, site, source, case in documents.csv): `stats --by site,wave`, `stats --over
# wave`, `triangulate --by site,wave` and `triangulate --over wave` beside plain `stats --by
# group`, with the cache of the loaded folder warm and off.
#
#   bash bench/designs.sh            # N = 3000 (SIZES="300 3000" for more)
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
DATA="$BENCH/data"
SIZES="${SIZES:-3000}"
RUNS="${RUNS:-10}"
cd "$ROOT"
command -v hyperfine >/dev/null || { echo "error: needs hyperfine (apt-get install -y hyperfine)" >&2; exit 2; }
cargo build --release --quiet
mkdir -p "$DATA/bin"
cp target/release/thematic "$DATA/bin/thematic-designs"
T="$DATA/bin/thematic-designs"
mean() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print(' '.join(f\"{x['mean']*1000:.0f}±{x['stddev']*1000:.0f}\" for x in r))" "$1"; }

echo "| N | command | cache warm (ms) | cache off (ms) |"
echo "|---|---|---|---|"
for n in $SIZES; do
  src="$DATA/n$n"
  [ -d "$src" ] || python3 "$BENCH/generate.py" "$n" "$src" --seed 42 >/dev/null
  dir="$DATA/designs-n$n"
  rm -rf "$dir"
  cp -r "$src" "$dir"
  # Four document attributes: wave 1-3, a site of five, a source, a case of 50.
  python3 - "$dir" <<'PY'
import os, sys
root = sys.argv[1]
ids = sorted(f[:-4] for f in os.listdir(os.path.join(root, 'transcripts')) if f.endswith('.txt'))
with open(os.path.join(root, 'documents.csv'), 'w') as f:
    f.write('document,wave,site,source,case\n')
    for i, d in enumerate(ids):
        f.write(f'{d},{i % 3 + 1},site{i % 5},{"focus group" if i % 17 == 0 else "interview"},case{i % 50}\n')
PY
  touch -d "1 hour ago" "$dir"/*.toml "$dir"/*.csv "$dir"/*.md "$dir"/transcripts/* "$dir"/coding/*
  for cmd in "stats --level theme --by group" "stats --level theme --by site,wave" "stats --level theme --over wave" "triangulate --by site,wave" "triangulate --over wave"; do
    "$T" $cmd -p "$dir" >/dev/null
    hyperfine --warmup 2 --runs "$RUNS" -N --export-json "$DATA/designs-warm.json" "$T $cmd -p $dir" >/dev/null
    THEMATIC_CACHE=off hyperfine --warmup 1 --runs 5 -N --export-json "$DATA/designs-off.json" "$T $cmd -p $dir" >/dev/null
    echo "| $n | \`$cmd\` | $(mean "$DATA/designs-warm.json") | $(mean "$DATA/designs-off.json") |"
  done
done
