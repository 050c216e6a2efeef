#!/usr/bin/env bash
# Speed of the browser workspace (`thematic serve`), measured in headless Chromium by
# tests/e2e/serve.js in its measuring mode:
#   - opening a 300,000-character transcript: the page's fetch and its drawing, and the wall
#     time from the click to the text on screen (5 times);
#   - applying a code: from Enter in the code picker to the coding drawn back from the file,
#     through the write lock, the checks and the atomic write (5 times);
#   - listing a project of 3,000 documents (bench/data/n3000 from generate.py): milliseconds
#     from the page's start to its list drawn (3 loads).
#
#   bash bench/serve.sh               # the debug build (PROFILE=release for a release build)
#
# Needs node, /usr/bin/chromium and `npm ci --prefix tests/e2e`. Writes under bench/data/.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
DATA="$BENCH/data"
PROFILE="${PROFILE:-debug}"
cd "$ROOT"
if [ "$PROFILE" = release ]; then cargo build --release --quiet; else cargo build --quiet; fi
T="$ROOT/target/$PROFILE/thematic"
[ -d tests/e2e/node_modules/playwright-core ] || npm ci --prefix tests/e2e --no-audit --no-fund --silent
mkdir -p "$DATA"

# The 3,000-document project, and a small one whose first transcript grows to 300,000
# characters with the words of the others (relabelled as its participant's turns).
[ -d "$DATA/n3000" ] || python3 "$BENCH/generate.py" 3000 "$DATA/n3000" --seed 42 >/dev/null
big="$DATA/serve-big"
rm -rf "$big"
python3 "$BENCH/generate.py" 30 "$big" --seed 42 >/dev/null
BIG=$(python3 - "$big" <<'PY'
import pathlib, re, sys
t = pathlib.Path(sys.argv[1]) / "transcripts"
files = sorted(t.glob("*.txt"))
first = files[0]
text = first.read_text()
label = next(m.group(1) for m in re.finditer(r"^([^:\n]{1,40}):", text, re.M) if m.group(1) != "Interviewer")
for f in files[1:]:
    if len(text) >= 300_000:
        break
    other = f.read_text()
    text += "\n" + re.sub(r"^(?!Interviewer:)[^:\n]{1,40}:", label + ":", other, flags=re.M)
text = text[:300_000]
text = text[: text.rfind("\n") + 1]
first.write_text(text)
print(first.stem)
PY
)
echo "long transcript: $big/transcripts/$BIG.txt, $(python3 -c "import sys; print(len(open(sys.argv[1], encoding='utf-8').read()))" "$big/transcripts/$BIG.txt") characters" >&2

# Loads (and caches) each folder once, as a first visit would.
"$T" check -p "$big" >/dev/null || true
"$T" check -p "$DATA/n3000" >/dev/null || true

serve() { # folder → URL in $url, process in $pid
  "$T" serve --port 0 --coder bench -p "$1" >"$DATA/serve.url" 2>/dev/null &
  pid=$!
  for _ in $(seq 100); do [ -s "$DATA/serve.url" ] && break; sleep 0.1; done
  url=$(head -1 "$DATA/serve.url")
}

code=$(grep -o '^- `[^`]*`' "$big/codebook.md" | head -1 | sed 's/^- `//; s/`$//')
serve "$big"
MODE=bench BIG="$BIG" CODE="$code" THEMATIC_URL="$url" THEMATIC_PROJECT="$big" node tests/e2e/serve.js >"$DATA/serve-big.json"
kill "$pid"; wait "$pid" 2>/dev/null || true
docs=$(find "$DATA/n3000/transcripts" -type f | wc -l)
serve "$DATA/n3000"
MODE=bench LIST="$docs" THEMATIC_URL="$url" THEMATIC_PROJECT="$DATA/n3000" node tests/e2e/serve.js >"$DATA/serve-list.json"
kill "$pid"; wait "$pid" 2>/dev/null || true

python3 - "$DATA/serve-big.json" "$DATA/serve-list.json" "$PROFILE" "$docs" <<'PY'
import json, statistics as st, sys
big = json.load(open(sys.argv[1]))
lst = json.load(open(sys.argv[2]))
build, docs = sys.argv[3], sys.argv[4]
def row(step, xs, target=""):
    xs = [x for x in xs if x is not None]
    if not xs:
        return
    runs = ", ".join("%.0f" % x for x in xs)
    print("| %s | %.0f ms | %s | %s |" % (step, st.median(xs), runs, target))
o = big["open"]
print("| step | median | runs (ms) | target |")
print("|---|---:|---|---:|")
row("open the 300,000-character transcript: click to the text laid out in the page", [r["wall"] for r in o], "300 ms")
row("the same: building its DOM (JS)", [r["render"] for r in o])
row("the same: fetching it from the server (%s build)" % build, [r["fetch"] for r in o])
a = big["apply"]
row("apply a code in it: Enter to the coding drawn back from the file", [r["total"] for r in a], "50 ms")
row("the same: from Enter to the write's start (closing the code picker)", [r["before"] for r in a])
row("the same: the write's request, answered with the document read back from the file", [r["write"] for r in a])
row("the same: drawing the changed turns", [r["render"] for r in a])
row("list %s documents: page start to list drawn" % docs, lst["list"], "500 ms")
PY
