#!/usr/bin/env bash
# Benchmark of hostile input (issue 12): each case at the size the issue names, timed on the
# release binary. After the fixes each must finish (refused or done) in under 1 s.
#
#   bash bench/hostile.sh              # prints a Markdown table
#
# Cases:
#   1. `check` with an abbreviated quote (`start … end`) whose end never occurs, on a 7.5 MB
#      transcript where the start occurs at every sentence;
#   2. `import qdpx` of a 4.6 MB .qdpx (about 90:1, under the zip-bomb limit) holding 400 MB
#      of tiny XML elements: refused by the XML tree's memory budget;
#   3. `import qdpx` of a 22 KB .qdpx with a code named `A::A::…` of 10,000 parts: refused;
#   4. `import qdc` of a code named with 100,000 parts: refused (it overflowed the stack);
#   5. `check` on a project with 8 .docx of 870 KB whose XML expands 700-fold: refused per
#      document by the compression-ratio limit (they took 4.9 GB);
#   6. `check` on a transcript of 160,000 lines each with a different unknown `Name:` label
#      (each was compared with every earlier one: 15 s);
#   7. `check` of a 5,000-word quote in repetitive text where it almost matches everywhere
#      (38 s);
#   8. `import qdpx` of 20,000 sources with the same name (16 s);
#   9. `import qdpx` of a project.qde with 80,000 unknown elements (11 s).
#
# Environment: RUNS=3 (runs per case, the mean and the slowest are shown); SKIP_BUILD=1 uses
# target/release/thematic as it is. Data goes to bench/data/hostile/ (git-ignored).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
OUT="$BENCH/data/hostile"
RUNS="${RUNS:-3}"
BIN="$ROOT/target/release/thematic"
mkdir -p "$OUT"
log() { printf '[hostile bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ -z "${SKIP_BUILD:-}" ]; then
  log "building the release binary"
  (cd "$ROOT" && cargo build --release --quiet)
fi

log "generating the cases in $OUT"
python3 - "$OUT" <<'PY'
import os, random, sys, zipfile, shutil
out = sys.argv[1]
random.seed(12)

def project(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(f"{path}/transcripts"); os.makedirs(f"{path}/coding")
    open(f"{path}/thematic.toml", "w").write('[project]\ntitle = "Hostile"\n\n[groups]\nstaff = "Staff"\n')
    open(f"{path}/participants.csv", "w").write("id,group,label\nR,staff,Respondent\n")
    open(f"{path}/codebook.md", "w").write("# Theme\n- `trust` — trust.\n")

# 1. A 7.5 MB transcript; the quote's start occurs in every sentence, its end nowhere.
p = f"{out}/quote"
project(p)
words = ["we", "talked", "about", "trust", "and", "the", "referrals", "again"]
lines, size = [], 0
while size < 7_500_000:
    line = "R: we said " + " ".join(random.choice(words) for _ in range(12)) + ".\n"
    lines.append(line); size += len(line)
open(f"{p}/transcripts/long.txt", "w").write("".join(lines))
open(f"{p}/coding/amira.csv", "w").write("document,quote,codes,memo\nlong,we said … never at all,trust,\n")

# 2. 400 MB of tiny elements, compressed about 90:1.
def tiny_xml():
    yield b'<?xml version="1.0"?>\n<Project name="p">\n'
    block = b"<a/>" * 200
    total = 0
    while total < 400_000_000:
        chunk = b"".join(block + b'<b n="%06x"/>\n' % random.getrandbits(24) for _ in range(1000))
        total += len(chunk)
        yield chunk
    yield b"</Project>\n"
with zipfile.ZipFile(f"{out}/tiny.qdpx", "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
    with z.open("project.qde", "w", force_zip64=True) as f:
        for part in tiny_xml():
            f.write(part)

# 3. A code of 10,000 parts in a 22 KB .qdpx.
name = "::".join(["A"] * 10_000)
xml = f'<?xml version="1.0"?>\n<Project name="p"><CodeBook><Codes>\n<Code guid="deep" name="{name}"/>\n</Codes></CodeBook></Project>\n'
with zipfile.ZipFile(f"{out}/deep.qdpx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("project.qde", xml)

# 4. A codebook with a code of 100,000 parts.
p = f"{out}/deeper"
project(p)
os.remove(f"{p}/codebook.md")
name = "::".join(["A"] * 100_000)
open(f"{out}/deeper.qdc", "w").write(f'<?xml version="1.0"?>\n<CodeBook><Codes>\n<Code guid="deep" name="{name}"/>\n</Codes></CodeBook>\n')

# 5. Eight .docx of about 870 KB whose document.xml expands 700-fold.
p = f"{out}/docx"
project(p)
para = "<w:p><w:r><w:t>R: " + "a" * 4000 + "</w:t></w:r></w:p>"
body = para * 170_000
doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
       + body + "</w:body></w:document>")
for i in range(8):
    with zipfile.ZipFile(f"{p}/transcripts/bomb{i}.docx", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", doc)

# 6. 160,000 lines, each with its own unknown label.
p = f"{out}/labels"
project(p)
open(f"{p}/transcripts/R.txt", "w").write(
    "Respondent: We talked.\n" + "".join(f"Visitor {i}: we talked about trust.\n" for i in range(160_000))
)

# 7. Repetitive text and a long quote that almost matches at every word.
p = f"{out}/repetitive"
project(p)
open(f"{p}/transcripts/R.txt", "w").write("R: " + "we " * 400_000 + "agreed.\n")
open(f"{p}/coding/amira.csv", "w").write("document,quote,codes,memo\nR," + "we " * 5_000 + "never,trust,\n")

# 8. 20,000 sources with one name.
sources = "".join(
    f'<TextSource guid="s{i}" name="Interview" plainTextPath="internal://s{i}.txt"/>\n' for i in range(20_000)
)
xml = f'<?xml version="1.0"?>\n<Project name="p"><Sources>\n{sources}</Sources></Project>\n'
with zipfile.ZipFile(f"{out}/samename.qdpx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("project.qde", xml)
    for i in range(20_000):
        z.writestr(f"sources/s{i}.txt", f"R: words {i}.")

# 9. 80,000 unknown elements.
junk = "".join(f'<Extra{i % 50} n="{i}"/>\n' for i in range(80_000))
xml = f'<?xml version="1.0"?>\n<Project name="p">\n{junk}</Project>\n'
with zipfile.ZipFile(f"{out}/unknown.qdpx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("project.qde", xml)
PY

size() { du -h "$1" | cut -f1; }
ratio() {
  python3 - "$1" "$2" <<'PY'
import sys, zipfile
i = zipfile.ZipFile(sys.argv[1]).getinfo(sys.argv[2])
print(f"{i.file_size / 1e6:.0f} MB, {i.file_size / i.compress_size:.0f}:1")
PY
}

# Runs "$@" RUNS times; prints `mean max exit` in seconds.
timeit() {
  local total=0 max=0 code=0 t0 t1 dt
  for _ in $(seq "$RUNS"); do
    rm -rf "$OUT/into"
    t0=$(date +%s.%N)
    "$@" >"$OUT/last.out" 2>"$OUT/last.err" || code=$?
    t1=$(date +%s.%N)
    dt=$(echo "$t1 - $t0" | bc -l)
    total=$(echo "$total + $dt" | bc -l)
    max=$(echo "if ($dt > $max) $dt else $max" | bc -l)
  done
  printf '%.3f %.3f %s\n' "$(echo "$total / $RUNS" | bc -l)" "$max" "$code"
}

row() {
  local what="$1" input="$2"; shift 2
  read -r mean max code < <(timeit "$@")
  local said
  said=$(head -c 160 "$OUT/last.err" | tr '\n' ' ' | sed 's/|/\\|/g')
  [ -z "$said" ] && said=$(grep -m1 -E '^(error|warning)' "$OUT/last.out" | head -c 160 | sed 's/|/\\|/g' || true)
  [ -z "$said" ] && said=$(head -n1 "$OUT/last.out" | head -c 160 | sed 's/|/\\|/g')
  local met=no
  [ "$(echo "$max < 1" | bc -l)" = 1 ] && met=yes
  printf '| %s | %s | %s s | %s s | %s | %s | %s |\n' "$what" "$input" "$mean" "$max" "$code" "$met" "$said"
}

log "timing $RUNS runs per case"
echo "| case | input | mean | slowest | exit | under 1 s | what it said |"
echo "|---|---|---:|---:|---:|---|---|"
row "abbreviated quote, end never occurs" "$(size "$OUT/quote/transcripts/long.txt") transcript" \
  "$BIN" check -p "$OUT/quote"
row "tiny XML elements" "$(size "$OUT/tiny.qdpx") .qdpx ($(ratio "$OUT/tiny.qdpx" project.qde))" \
  "$BIN" import qdpx "$OUT/tiny.qdpx" --into "$OUT/into"
row "code of 10,000 parts" "$(size "$OUT/deep.qdpx") .qdpx" \
  "$BIN" import qdpx "$OUT/deep.qdpx" --into "$OUT/into"
row "code of 100,000 parts" "$(size "$OUT/deeper.qdc") .qdc" \
  "$BIN" import qdc "$OUT/deeper.qdc" -p "$OUT/deeper"
row "8 .docx zip bombs" "8 × $(size "$OUT/docx/transcripts/bomb0.docx") ($(ratio "$OUT/docx/transcripts/bomb0.docx" word/document.xml))" \
  "$BIN" check -p "$OUT/docx"
row "160,000 distinct unknown labels" "$(size "$OUT/labels/transcripts/R.txt") transcript" \
  "$BIN" check -p "$OUT/labels"
row "5,000-word quote in repetitive text" "$(size "$OUT/repetitive/transcripts/R.txt") transcript" \
  "$BIN" check -p "$OUT/repetitive"
row "20,000 sources of one name" "$(size "$OUT/samename.qdpx") .qdpx" \
  "$BIN" import qdpx "$OUT/samename.qdpx" --into "$OUT/into"
row "80,000 unknown elements" "$(size "$OUT/unknown.qdpx") .qdpx" \
  "$BIN" import qdpx "$OUT/unknown.qdpx" --into "$OUT/into"
