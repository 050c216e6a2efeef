#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/TARGET/) from the bundled examples, the
# fixture REFI-QDA samples, and the saved crashes. Safe to run again: files are named by
# content, so nothing is duplicated.
set -euo pipefail
cd "$(dirname "$0")"
root=..
corpus=corpus

add() { # add TARGET FILE-OR-STDIN: stores the bytes under their hash
  local target=$1 tmp
  mkdir -p "$corpus/$target"
  tmp=$(mktemp)
  if [ $# -ge 2 ]; then cat "$2" >"$tmp"; else cat >"$tmp"; fi
  mv "$tmp" "$corpus/$target/$(sha1sum "$tmp" | cut -c1-40)"
}

# The transcript target's first byte picks the format: 0 txt, 1 md, 2 vtt, 3 srt, 4 docx.
format_byte() { # the escape, for printf
  case "${1##*.}" in
    txt) echo '\x00' ;; md | markdown) echo '\x01' ;; vtt) echo '\x02' ;;
    srt) echo '\x03' ;; docx) echo '\x04' ;; *) return 1 ;;
  esac
}

for ex in "$root"/examples/*/; do
  for t in "$ex"transcripts/*; do
    [ -f "$t" ] || continue
    if b=$(format_byte "$t"); then
      { printf "$b"; cat "$t"; } | add transcript
    fi
    case "$t" in *.docx) add docx "$t" ;; esac
  done
  [ -f "$ex/codebook.md" ] && add codebook "$ex/codebook.md"
  [ -f "$ex/thematic.toml" ] && add config "$ex/thematic.toml"
  [ -f "$ex/participants.csv" ] && add participants "$ex/participants.csv"
  [ -f "$ex/redactions.csv" ] && add redactions "$ex/redactions.csv"
  # sheet_anchor: a plain-text transcript, NUL, the sheet's header and the rows on it.
  for s in "$ex"coding/*.csv; do
    [ -f "$s" ] || continue
    for t in "$ex"transcripts/*.txt "$ex"transcripts/*.md; do
      [ -f "$t" ] || continue
      id=$(basename "$t"); id=${id%.*}
      rows=$(grep -F "$id," "$s" | grep "^\"\?$id\"\?," || true)
      [ -n "$rows" ] || continue
      { cat "$t"; printf '\x00'; head -n1 "$s"; printf '%s\n' "$rows"; } | add sheet_anchor
    done
  done
done
for c in "$root"/codebooks/*.md; do [ -f "$c" ] && add codebook "$c"; done

# The fixture's own small files (tests/integration/util.rs), inline, so every target has seeds.
printf '%s' 'Interviewer: What works?
R: We share values. Communication is good.
' | { printf '\x00'; cat; } | add transcript
printf 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Interviewer>How was it?</v>\n\n00:00:02.000 --> 00:00:04.000\n<v Service user 1>Trust takes time.</v>\n' | { printf '\x02'; cat; } | add transcript
printf '1\n00:00:01,000 --> 00:00:02,000\nInterviewer: How was it?\n\n2\n00:00:02,000 --> 00:00:04,000\nStaff 1: Trust takes time.\n' | { printf '\x03'; cat; } | add transcript
printf 'Interviewer: What works?\nStaff 1: We share values. Trust takes time.\n\x00document,quote,codes,memo\nD,We share values.,shared-values,\nD,Trust takes time.,trust;new-code,\nD,We share … time.,trust,\n' | add sheet_anchor

# The search query language: queries from the README and the tests.
for q in 'trust' 'trust AND funding' '"share values" OR trust' 'code:trust NOT group:staff' \
  '(trust OR funding) AND NOT code:funding' 'trust NEAR/5 values' 'shar*' 'site:north code:trust'; do
  printf '%s' "$q" | add query
done

# REFI-QDA: the fixture samples, and the project.qde inside each .qdpx as a bare .qde.
for f in "$root"/tests/fixtures/refi-qda/samples/*; do
  case "$f" in
    *.qdpx)
      add refi_qdpx "$f"
      if command -v unzip >/dev/null 2>&1; then
        unzip -p "$f" '*.qde' 2>/dev/null | add refi_qde || true
      fi
      ;;
    *.qdc) add refi_qdc "$f" ;;
  esac
done

# Saved crashes go back in, so a fix is checked by the fuzzer too.
for c in "$root"/tests/malformed/fuzz-crashes/*; do
  [ -f "$c" ] || continue
  name=$(basename "$c"); target=${name%%-*}
  [ -f "fuzz_targets/$target.rs" ] && add "$target" "$c"
done

for d in "$corpus"/*/; do echo "$(basename "$d"): $(ls "$d" | wc -l) seeds"; done
