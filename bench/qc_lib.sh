# Shell functions shared by bench/run.sh and bench/surveys_qc.sh: timing, peak memory, and a qc
# (qualitative-coding) project driven from a script. Sourced, not run.
#
# The caller sets:
#   RES            folder for raw measurements (peak_rss's scratch file)
#   RUNS, WARMUP   hyperfine runs and warm-up runs (`bench`; BENCH_RUNS, BENCH_WARMUP override)
#   HAVE_HYPERFINE 1 when hyperfine is on PATH, else `bench` times a loop with `date +%s.%N`
#   QC_TIMEOUT     seconds a program run by `timed` may take before it counts as not finished
#   VENV, QC       the virtual environment qc lives in and its `qc` program
#   QC_VERSION     the qualitative-coding release `qc_install` installs (default 1.7.8: the
#                  version qc_load.py was written against; it calls qc's internals)

# bench JSON NAME1 CMD1 [NAME2 CMD2 ...]: mean and sigma of each command, as hyperfine JSON.
bench() {
  local json="$1"; shift
  local runs="${BENCH_RUNS:-$RUNS}" warm="${BENCH_WARMUP:-$WARMUP}"
  if [ "$HAVE_HYPERFINE" = 1 ]; then
    local args=()
    while [ $# -gt 0 ]; do args+=(-n "$1" "$2"); shift 2; done
    hyperfine --style basic --warmup "$warm" --runs "$runs" -i --export-json "$json" \
      "${args[@]}" >&2
  else
    local out="[" first=1
    while [ $# -gt 0 ]; do
      local name="$1" cmd="$2" times=() i t0 t1; shift 2
      for ((i = 0; i < warm; i++)); do bash -c "$cmd" >/dev/null 2>&1 || true; done
      for ((i = 0; i < runs; i++)); do
        t0=$(date +%s.%N); bash -c "$cmd" >/dev/null 2>&1 || true; t1=$(date +%s.%N)
        times+=("$(echo "$t1 - $t0" | bc -l)")
      done
      [ $first = 1 ] || out+=","; first=0
      out+=$(python3 -c 'import json,statistics,sys; t=[float(x) for x in sys.argv[2:]]; print(json.dumps({"command": sys.argv[1], "mean": statistics.mean(t), "stddev": statistics.stdev(t) if len(t) > 1 else 0.0, "times": t}))' "$name" "${times[@]}")
    done
    echo "{\"results\": $out]}" > "$json"
  fi
}

# peak_rss CMD...: the largest "Maximum resident set size" of 3 runs, in KiB.
peak_rss() {
  local best=0 kb i
  for i in 1 2 3; do
    kb=$( (/usr/bin/time -v "$@" >/dev/null 2>"$RES/.time.$$") ; awk -F': ' '/Maximum resident set size/ {print $2}' "$RES/.time.$$")
    [ "${kb:-0}" -gt "$best" ] && best=$kb
  done
  rm -f "$RES/.time.$$"
  echo "$best"
}

# timed FILE CMD...: wall time of one run (a program runs under `timeout $QC_TIMEOUT`); writes
# the seconds, or "timeout" / "failed", to FILE and prints it; the command's output: FILE.log.
# A program (not a shell function) also has its peak RSS in KiB, the largest of it and the
# processes it waited for (GNU time's %M), written to FILE.rss.
timed() {
  local out="$1"; shift
  local t0 t1 rc=0
  rm -f "$out.rss"
  t0=$(date +%s.%N)
  if [ "$(type -t "$1")" = function ]; then
    "$@" >"$out.log" 2>&1 || rc=$?
  else
    /usr/bin/time -f %M -o "$out.rss" timeout "$QC_TIMEOUT" "$@" >"$out.log" 2>&1 || rc=$?
  fi
  t1=$(date +%s.%N)
  if [ $rc = 124 ]; then echo timeout > "$out"
  elif [ $rc != 0 ]; then echo failed > "$out"
  else python3 -c "print(f'{$t1 - $t0:.3f}')" > "$out"; fi
  # GNU time prefixes a line when the program fails; the figure is the last line.
  [ -f "$out.rss" ] && tail -1 "$out.rss" > "$out.rss.tmp" && mv "$out.rss.tmp" "$out.rss"
  cat "$out"
}

kv() { printf '%s\t%s\n' "$2" "$3" >> "$1"; }

# qc_install: qualitative-coding into $VENV, unless $QC is there already.
qc_install() {
  if [ ! -x "$QC" ]; then
    echo "installing qualitative-coding ${QC_VERSION:-1.7.8} into $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "qualitative-coding==${QC_VERSION:-1.7.8}" >&2
  fi
}

# qc_project DIR CODES_DIR CODEBOOK_YAML: a new qc project (`qc init -w`, then `qc init`) with
# that code tree and an "editor" that types a prepared coding: it copies CODES_DIR/<the
# document's file name> into the codes file `qc code` opens, so `qc code CODER` records it.
qc_project() {
  local P="$1" codes="$2" codebook="$3"
  rm -rf "$P"; mkdir -p "$P"
  (cd "$P" && "$QC" init -w >/dev/null 2>&1)
  python3 - "$P/settings.yaml" "$codes" <<'EOF'
import sys
path, codes = sys.argv[1], sys.argv[2]
s = open(path).read().replace("editor: code\n", "")
s += f"""editor: bench
editors:
  bench:
    name: bench
    code_command: 'cp "{codes}/$(basename "{{corpus_file_path}}")" "{{codes_file_path}}"'
    memo_command: 'true'
"""
open(path, "w").write(s)
EOF
  (cd "$P" && "$QC" init >/dev/null 2>&1)
  cp "$codebook" "$P/codebook.yaml"
}
