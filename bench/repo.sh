#!/usr/bin/env bash
# Working in git at size: `thematic diff` between two revisions of the N = 3,000 corpus, and
# the merge driver (`thematic merge-sheet`) on a 50,000-row coding sheet, timed on the release
# binary with hyperfine. Results go in bench/RESULTS.md by hand.
#
#   bash bench/repo.sh            # builds target/release/thematic from the working tree
#   THEMATIC=path/to/thematic bash bench/repo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data="$root/bench/data/repo"
mkdir -p "$data"

if [ -z "${THEMATIC:-}" ]; then
  cargo build --release --quiet
  THEMATIC="$root/target/release/thematic"
fi
echo "binary: $THEMATIC ($("$THEMATIC" --version))"
export PATH="$(dirname "$THEMATIC"):$PATH"
g() { git -c user.name=bench -c user.email=bench@example.org "$@"; }

# 1. diff: the N = 3,000 corpus committed, then a second commit that renames a code, recodes
#    200 rows and removes 100.
repo="$data/n3000"
if [ ! -f "$repo/.bench-ready" ]; then
  rm -rf "$repo"
  python3 bench/generate.py 3000 "$repo" --seed 42 >/dev/null
  (
    cd "$repo"
    g init -q -b main
    g add -A && g commit -qm "rev 1"
    sheet=$(ls coding/*.csv | head -1)
    code=$(sed -n 2p "$sheet" | python3 -c 'import csv,sys; print(next(csv.reader(sys.stdin))[2].split(";")[0])')
    "$THEMATIC" codebook rename "$code" "$code-renamed" >/dev/null
    python3 - "$sheet" <<'PY'
import csv, sys
path = sys.argv[1]
with open(path, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]
codes = header.index("codes")
pool = sorted({c for r in body for c in r[codes].split(";") if c})
for i, r in enumerate(body[:200]):
    r[codes] = pool[i % len(pool)]
# 100 rows removed (rows 200-299).
body = body[:200] + body[300:]
with open(path, "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\n").writerows([header] + body)
PY
    g add -A && g commit -qm "rev 2"
  )
  touch "$repo/.bench-ready"
fi
echo "corpus: $(ls "$repo/transcripts" | wc -l) transcripts, $(cat "$repo"/coding/*.csv | wc -l) sheet lines"
(cd "$repo" && "$THEMATIC" diff HEAD~1 HEAD | head -12)
hyperfine --warmup 1 --runs 5 --export-markdown "$data/diff.md" \
  "cd '$repo' && '$THEMATIC' diff HEAD~1 HEAD --format md"

# 2. merge-sheet: a 50,000-row sheet; ours recodes 1,000 rows and adds 1,000, theirs recodes
#    1,000 others, removes 1,000 and adds 1,000.
sheets="$data/merge"
mkdir -p "$sheets"
python3 - "$sheets" <<'PY'
import csv, random, sys
out = sys.argv[1]
rng = random.Random(42)
words = "we share values trust takes time funding is short communication good staff kind partners meet weekly".split()
def row(i):
    q = " ".join(rng.choice(words) for _ in range(12))
    return [f"D{i // 20:05d}", f"{q} {i}", f"code-{i % 55}", "" if i % 3 else "memo, with a comma"]
base = [row(i) for i in range(50_000)]
ours = [list(r) for r in base]
theirs = [list(r) for r in base]
for i in range(0, 10_000, 10):
    ours[i][2] = "recoded-ours"
for i in range(5, 10_000, 10):
    theirs[i][2] = "recoded-theirs"
theirs = [r for i, r in enumerate(theirs) if not (20_000 <= i < 21_000)]
ours += [row(i) for i in range(50_000, 51_000)]
theirs += [row(i) for i in range(51_000, 52_000)]
header = ["document", "quote", "codes", "memo"]
for name, rows in [("base", base), ("ours", ours), ("theirs", theirs)]:
    with open(f"{out}/{name}.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows([header] + rows)
PY
cp "$sheets/ours.csv" "$sheets/ours.orig"
"$THEMATIC" merge-sheet "$sheets/base.csv" "$sheets/ours.csv" "$sheets/theirs.csv" coding/big.csv
echo "merged: $(($(wc -l < "$sheets/ours.csv") - 1)) rows (50,000 + 1,000 + 1,000 - 1,000 expected: 51,000)"
hyperfine --warmup 1 --runs 10 --export-markdown "$data/merge.md" \
  --prepare "cp '$sheets/ours.orig' '$sheets/ours.csv'" \
  "'$THEMATIC' merge-sheet '$sheets/base.csv' '$sheets/ours.csv' '$sheets/theirs.csv' coding/big.csv"
cat "$data/diff.md" "$data/merge.md"
