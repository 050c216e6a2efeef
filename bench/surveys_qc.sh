#!/usr/bin/env bash
# qc (qualitative-coding) beside thematic on the same free-text survey (issue 10, Speed): the
# survey of bench/surveys.py imported into qc as one text file per answer, the hand coding
# recorded through qc's own code, then counted; thematic timed on the same survey folder; the
# counts of both compared.
#
#   bash bench/surveys_qc.sh               # 10^4 answers; prints Markdown tables
#
# Environment (all optional):
#   SIZES="10000"          numbers of answers (each size on its own)
#   SEED=42                generator seed (the same survey as bench/surveys.sh)
#   BIN=target/release/thematic
#                          the binary to time (default: `cargo build --release` first)
#   QC_TIMEOUT=600         seconds a qc step may take before it counts as not finished
#   QC_CLI=1               also record the coding through `qc code CODER`, one qc process per
#                          coded answer (about 2 s each), besides the one-process load; 0: skip
#   RUNS=10 WARMUP=3       hyperfine runs and warm-up runs for thematic
#   QC_RUNS=5 QC_WARMUP=1  the same for qc's `codes stats` and `check` (each call about 2 s)
#   QC_VERSION=1.7.8       qualitative-coding release installed into bench/.venv if missing
#
# About 10 minutes at 10^4 answers on a 2-core machine, most of it the `qc code` loop (QC_CLI=0:
# about 3 minutes).
#
# The survey folder is bench/data/surveys/N, shared with surveys.sh (made here with the same
# command when missing; its autocode sheet, report and .thematic/ cache are removed first, as
# surveys.sh does). qc's copy: bench/data/surveys-qc/N/export (surveys_qc.py export: the answer
# files, the codes files, the code tree) and bench/data/surveys-qc/N/project (the qc project).
# Raw measurements: bench/data/results/surveys-qc-N/; the tables: bench/data/results/surveys-qc-N.md.
# Everything under bench/data/ and bench/.venv/ is git-ignored.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
SIZES="${SIZES:-10000}"
SEED="${SEED:-42}"
QC_TIMEOUT="${QC_TIMEOUT:-600}"
QC_CLI="${QC_CLI:-1}"
RUNS="${RUNS:-10}"
WARMUP="${WARMUP:-3}"
QC_RUNS="${QC_RUNS:-5}"
QC_WARMUP="${QC_WARMUP:-1}"
QC_VERSION="${QC_VERSION:-1.7.8}"
VENV="$BENCH/.venv"
QC="$VENV/bin/qc"
log() { printf '[surveys-qc %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ -z "${BIN:-}" ]; then
  log "cargo build --release"
  (cd "$ROOT" && cargo build --release --quiet)
  BIN="$ROOT/target/release/thematic"
fi
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
[ -x "$BIN" ] || { echo "error: $BIN is not a program" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "error: GNU time (/usr/bin/time) is needed" >&2; exit 2; }
HAVE_HYPERFINE=0
command -v hyperfine >/dev/null 2>&1 && HAVE_HYPERFINE=1
RES="$BENCH/data/results"
mkdir -p "$RES"
# shellcheck source=qc_lib.sh
. "$BENCH/qc_lib.sh"
qc_install

for n in $SIZES; do
  S="$BENCH/data/surveys/$n"            # the survey folder thematic reads
  X="$BENCH/data/surveys-qc/$n/export"  # the same survey as files for qc
  P="$BENCH/data/surveys-qc/$n/project" # the qc project
  R="$RES/surveys-qc-$n"
  K="$R/summary.tsv"
  rm -rf "$R"; mkdir -p "$R/qc-counts"
  : > "$K"

  # ------------------------------------------------------------ the survey and its qc copy
  if [ ! -f "$S/.done-$SEED" ] || [ "$BENCH/surveys.py" -nt "$S/.done-$SEED" ]; then
    rm -rf "$S"
    log "$n: generating the survey"
    python3 "$BENCH/surveys.py" "$n" "$S" --seed "$SEED" >&2
    touch "$S/.done-$SEED"
  fi
  rm -rf "$S/.thematic" "$S/report" "$S/coding/autocode.csv"
  # The cache trusts only files that have settled: date the inputs back (as surveys.sh does).
  find "$S" -type f -not -path '*/.thematic/*' -exec touch -d '-2 minutes' {} +
  if [ ! -f "$X/.done" ] || [ "$S/.done-$SEED" -nt "$X/.done" ] ||
     [ "$BENCH/surveys_qc.py" -nt "$X/.done" ]; then
    rm -rf "$X"
    log "$n: writing one file per answer for qc"
    python3 "$BENCH/surveys_qc.py" export "$S" "$X"
    touch "$X/.done"
  fi
  GROUPS_=$(cd "$X/groups" && ls | sed 's/\.txt$//' | tr '\n' ' ')
  CODERS=$( (cd "$X/codes" 2>/dev/null && ls) | tr '\n' ' ')
  [ -n "$CODERS" ] || { echo "error: $S has no coding sheet with a coded answer" >&2; exit 1; }

  {
    echo "date	$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine	nproc $(nproc), $(lscpu | grep 'Model name' | sed 's/.*: *//' | head -1), $(free -h | awk '/^Mem:/ {print $2}') memory, Linux $(uname -r)"
    echo "thematic	$("$BIN" --version)"
    echo "thematic_binary	$BIN ($(date -u -r "$BIN" '+%Y-%m-%d %H:%M UTC'); HEAD $(git -C "$ROOT" rev-parse --short HEAD))"
    echo "qc	$("$QC" version 2>/dev/null | tail -1)"
    echo "python	$("$VENV/bin/python" --version 2>&1)"
    echo "hyperfine	$( [ $HAVE_HYPERFINE = 1 ] && hyperfine --version || echo 'not available (date loop)')"
  } > "$R/env.tsv"
  kv "$K" answers "$n"
  kv "$K" survey_bytes "$(du -sb --exclude=.thematic "$S" | cut -f1)"
  kv "$K" answer_files "$(find "$X/answers" -name '*.txt' | wc -l)"
  kv "$K" answer_files_bytes "$(du -sb "$X/answers" | cut -f1)"
  kv "$K" groups "$GROUPS_"
  kv "$K" coders "$CODERS"
  for c in $CODERS; do kv "$K" "coded_answers_$c" "$(find "$X/codes/$c" -name '*.txt' | wc -l)"; done

  # ------------------------------------------------------------ thematic
  kv "$K" load_thematic "$(uptime | sed 's/.*load average: //')"
  log "$n: thematic check, first run (no .thematic/ cache yet)"
  # Wall time from date (GNU time's %e has 10 ms steps), peak RSS from GNU time.
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$R/time.txt" "$BIN" check -p "$S" > "$R/thematic-check.txt" 2>&1 ||
    { echo "error: thematic check failed, see $R/thematic-check.txt" >&2; exit 1; }
  t1=$(date +%s.%N)
  kb=$(tail -1 "$R/time.txt")
  kv "$K" thematic_check_first_s "$(python3 -c "print(f'{$t1 - $t0:.4f}')")"
  kv "$K" thematic_check_first_rss_kb "$kb"
  kv "$K" thematic_check_summary "$(tail -1 "$R/thematic-check.txt")"
  "$BIN" stats -p "$S" --by group --format csv > "$R/thematic-stats-by-group.csv"
  "$BIN" stats -p "$S" --level theme --by group --format csv > "$R/thematic-stats-theme-by-group.csv"
  log "$n: timing thematic (cache on, then THEMATIC_CACHE=off)"
  bench "$R/hf-thematic.json" \
    check "$BIN check -p $S" \
    stats "$BIN stats -p $S" \
    stats_by_group "$BIN stats -p $S --by group" \
    stats_theme_by_group "$BIN stats -p $S --level theme --by group" \
    check_nocache "THEMATIC_CACHE=off $BIN check -p $S" \
    stats_nocache "THEMATIC_CACHE=off $BIN stats -p $S" \
    stats_by_group_nocache "THEMATIC_CACHE=off $BIN stats -p $S --by group" \
    stats_theme_by_group_nocache "THEMATIC_CACHE=off $BIN stats -p $S --level theme --by group"
  kv "$K" thematic_check_rss_kb "$(peak_rss "$BIN" check -p "$S")"
  kv "$K" thematic_stats_rss_kb "$(peak_rss "$BIN" stats -p "$S" --by group)"
  kv "$K" thematic_stats_nocache_rss_kb "$(THEMATIC_CACHE=off peak_rss "$BIN" stats -p "$S" --by group)"

  # ------------------------------------------------------------ qc
  kv "$K" load_qc "$(uptime | sed 's/.*load average: //')"
  log "$n: qc init"
  first_coder="${CODERS%% *}"
  kv "$K" qc_init_s "$(timed "$R/qc-init" qc_project "$P" "$X/codes/$first_coder" "$X/codebook.yaml")"
  log "$n: qc corpus import of $(find "$X/answers" -name '*.txt' | wc -l) answer files"
  import=$(cd "$P" && timed "$R/qc-import" "$QC" corpus import -r --importer verbatim "$X/answers")
  kv "$K" qc_import_s "$import"
  kv "$K" qc_import_rss_kb "$(cat "$R/qc-import.rss" 2>/dev/null || echo)"
  kv "$K" qc_documents "$(cd "$P" && "$QC" corpus list 2>/dev/null | grep -c '\.txt$' || true)"
  if [ "$import" = timeout ] || [ "$import" = failed ]; then
    log "$n: qc corpus import did not finish ($import): the rest of qc is skipped at this size"
    python3 "$BENCH/surveys_qc.py" table "$R" | tee "$RES/surveys-qc-$n.md"
    continue
  fi
  kv "$K" qc_timeout "$QC_TIMEOUT"
  if [ "$QC_CLI" = 1 ]; then
    # `qc code`, as a coder would run it: one qc process per coded answer, with the "editor"
    # of qc_project typing the prepared codes file. On a copy, so that the one-process load
    # below starts from the same imported project. (One coder: qc_project's editor reads one
    # codes folder.)
    log "$n: qc code $first_coder, one process per coded answer"
    rm -rf "$P-cli"; cp -a "$P" "$P-cli"
    cli=$(cd "$P-cli" && timed "$R/qc-code-cli" bash -c '
      for f in "$1"/*.txt; do
        "$2" code "$3" -p "$(basename "$f")" -1 </dev/null || exit 1
        echo "done $(basename "$f")"
      done' _ "$X/codes/$first_coder" "$QC" "$first_coder")
    kv "$K" qc_code_cli_s "$cli"
    kv "$K" qc_code_cli_rss_kb "$(cat "$R/qc-code-cli.rss" 2>/dev/null || echo)"
    kv "$K" qc_code_cli_done "$(grep -c '^done ' "$R/qc-code-cli.log" || true)"
    (cd "$P-cli" && "$QC" codes stats -n document -o "$R/qc-counts/cli-all.csv" >/dev/null 2>&1) || true
  fi
  for c in $CODERS; do
    log "$n: qc coding load of $c (qc's update_coded_lines, one process)"
    load=$(timed "$R/qc-load-$c" "$VENV/bin/python" "$BENCH/qc_load.py" --coder "$c" "$P" "$X/codes/$c")
    kv "$K" "qc_load_${c}_s" "$load"
    kv "$K" "qc_load_${c}_rss_kb" "$(cat "$R/qc-load-$c.rss" 2>/dev/null || echo)"
  done
  if [ "$QC_CLI" = 1 ] && [ -f "$R/qc-counts/cli-all.csv" ]; then
    (cd "$P" && "$QC" codes stats -n document -c "$first_coder" -o "$R/qc-counts/load-all.csv" >/dev/null 2>&1) || true
    if cmp -s "$R/qc-counts/cli-all.csv" "$R/qc-counts/load-all.csv"; then
      kv "$K" qc_cli_same_as_load yes
    else
      kv "$K" qc_cli_same_as_load no
    fi
    rm -rf "$P-cli"
  fi

  # The counts to compare: coded answers (-n document) and coded lines per code, per group.
  for c in $CODERS; do
    for g in $GROUPS_; do
      (cd "$P" && "$QC" codes stats -n document -c "$c" -p "$g-" -o "$R/qc-counts/$c-$g.csv" >/dev/null 2>&1) || true
      (cd "$P" && "$QC" codes stats -n line -c "$c" -p "$g-" -o "$R/qc-counts/$c-$g-lines.csv" >/dev/null 2>&1) || true
    done
  done
  (cd "$P" && "$QC" codes stats -r -a -d 1 -n document > "$R/qc-stats-themes.txt" 2>&1) || true

  log "$n: timing qc codes stats and qc check"
  by_group="" by_group_themes=""
  for g in $GROUPS_; do
    by_group+="$QC codes stats -n document -p $g-; "
    by_group_themes+="$QC codes stats -r -a -d 1 -t -n document -p $g-; "
  done
  (cd "$P" && BENCH_RUNS="$QC_RUNS" BENCH_WARMUP="$QC_WARMUP" bench "$R/hf-qc.json" \
    stats "$QC codes stats -n document" \
    stats_by_group "$by_group" \
    stats_theme_by_group "$by_group_themes" \
    check "$QC check")
  kv "$K" qc_stats_rss_kb "$(cd "$P" && peak_rss "$QC" codes stats -n document)"
  kv "$K" qc_db_bytes "$(stat -c %s "$P/qualitative_coding.sqlite3")"
  kv "$K" qc_project_bytes "$(du -sb "$P" | cut -f1)"

  # ------------------------------------------------------------ the counts, side by side
  rc=0
  python3 "$BENCH/surveys_qc.py" compare "$X" "$R/thematic-stats-by-group.csv" "$R/qc-counts" \
    > "$R/compare.md" || rc=$?
  kv "$K" counts_agree "$([ $rc = 0 ] && echo yes || echo no)"
  python3 "$BENCH/surveys_qc.py" table "$R" | tee "$RES/surveys-qc-$n.md"
done
