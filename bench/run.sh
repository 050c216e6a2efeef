#!/usr/bin/env bash
# Benchmark of `thematic check` and `thematic stats`, beside `wc -w` and qc (qualitative-coding).
#
#   bash bench/run.sh                  # N = 30, 300, 3000; prints Markdown tables
#
# Environment (all optional):
#   SIZES="30 300 3000"    corpus sizes (interviews of about 3,000 words)
#   QC_SIZES="30 300 3000" sizes at which qc is run (empty: skip qc)
#   QC_CLI_SIZES="30"      sizes at which qc's coding is also loaded through `qc code`, one qc
#                          process per document (about 2 s each), besides the one-process load
#   QC_TIMEOUT=600         seconds allowed to each qc step before it counts as not finished
#   QC_VERSION=1.7.8       qualitative-coding release installed into bench/.venv when missing
#   SEED=42                generator seed
#   RUNS=10 WARMUP=3       hyperfine runs and warm-up runs for thematic and wc
#   BUILD=head             build a clean snapshot of HEAD (default) or BUILD=worktree: the
#                          working tree with `cargo build --release`
#   SKIP_BUILD=1           use the binary of the last run (bench/data/bin/thematic)
#
# Data goes to bench/data/ (git-ignored) and is reused while generate.py and the seed are
# unchanged. Raw measurements: bench/data/results/. The tables: bench/data/results/tables.md.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
DATA="$BENCH/data"
RES="$DATA/results"
SIZES="${SIZES:-30 300 3000}"
QC_SIZES="${QC_SIZES-30 300 3000}"
QC_CLI_SIZES="${QC_CLI_SIZES-30}"
QC_TIMEOUT="${QC_TIMEOUT:-600}"
SEED="${SEED:-42}"
RUNS="${RUNS:-10}"
WARMUP="${WARMUP:-3}"
VENV="$BENCH/.venv"
QC="$VENV/bin/qc"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

mkdir -p "$RES"
cd "$ROOT"

# ---------------------------------------------------------------- tools
if ! command -v hyperfine >/dev/null 2>&1 || [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing hyperfine and time from Debian"
    (apt-get install -y hyperfine time >/dev/null 2>&1 ||
      { apt-get update >/dev/null 2>&1 && apt-get install -y hyperfine time >/dev/null 2>&1; }) || true
  fi
fi
HAVE_HYPERFINE=0
command -v hyperfine >/dev/null 2>&1 && HAVE_HYPERFINE=1
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is needed (apt-get install -y time)" >&2; exit 2; }

# ---------------------------------------------------------------- build
# Other people edit src/ and rebuild target/ while this runs, so by default the benchmark builds
# a clean snapshot of the committed HEAD in its own folder (bench/data/build/, incremental
# after the first time) and times that binary; BUILD=worktree builds the working tree as it is
# with a plain `cargo build --release` instead. Either way the binary is copied aside at once,
# so a later rebuild of target/ cannot change it halfway through.
BUILD="${BUILD:-head}"
mkdir -p "$DATA/bin"
if [ -n "${SKIP_BUILD:-}" ] && [ -x "$DATA/bin/thematic" ]; then
  log "SKIP_BUILD: using $DATA/bin/thematic"
elif [ "$BUILD" = worktree ]; then
  log "cargo build --release (working tree)"
  cargo build --release >&2
  cp "$ROOT/target/release/thematic" "$DATA/bin/thematic"
  COMMIT="$(git -C "$ROOT" rev-parse --short HEAD)"
  DIRTY="$(git -C "$ROOT" status --porcelain -- src Cargo.toml Cargo.lock | wc -l | tr -d ' ')"
  echo "$COMMIT (working tree, $DIRTY uncommitted changes under src/ and Cargo.*)" > "$DATA/bin/thematic.commit"
else
  COMMIT="$(git -C "$ROOT" rev-parse --short HEAD)"
  log "cargo build --release of a clean snapshot of HEAD ($COMMIT)"
  rm -rf "$DATA/build/src"; mkdir -p "$DATA/build/src"
  git -C "$ROOT" archive HEAD | tar -x -C "$DATA/build/src"
  (cd "$DATA/build/src" && CARGO_TARGET_DIR="$DATA/build/target" cargo build --release >&2)
  cp "$DATA/build/target/release/thematic" "$DATA/bin/thematic"
  echo "$COMMIT (clean build of the commit)" > "$DATA/bin/thematic.commit"
fi
BIN="$DATA/bin/thematic"
[ -x "$BIN" ] || { echo "error: $BIN not built" >&2; exit 2; }

# ---------------------------------------------------------------- machine and versions
{
  echo "date	$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "nproc	$(nproc)"
  echo "cpu	$(lscpu | grep 'Model name' | sed 's/.*: *//' | head -1)"
  echo "memory	$(free -h | awk '/^Mem:/ {print $2}')"
  echo "kernel	$(uname -r)"
  echo "thematic_commit	$(cat "$DATA/bin/thematic.commit" 2>/dev/null || echo unknown)"
  echo "thematic_version	$("$BIN" --version)"
  echo "rustc	$(rustc --version)"
  echo "hyperfine	$( [ $HAVE_HYPERFINE = 1 ] && hyperfine --version || echo 'not available (date loop)')"
  echo "python	$(python3 --version 2>&1)"
} > "$RES/env.tsv"

# ---------------------------------------------------------------- helpers
# bench, peak_rss, timed, kv, qc_install, qc_project: shared with surveys_qc.sh.
# shellcheck source=qc_lib.sh
. "$BENCH/qc_lib.sh"

# ---------------------------------------------------------------- data
GEN_ID="seed=$SEED sha256=$(sha256sum "$BENCH/generate.py" | cut -c1-16)"
for N in $SIZES; do
  D="$DATA/n$N"
  if [ ! -f "$D/.generated" ] || [ "$(cat "$D/.generated")" != "$GEN_ID" ]; then
    log "generating N=$N"
    rm -rf "$D"
    python3 "$BENCH/generate.py" "$N" "$D" --seed "$SEED"
    echo "$GEN_ID" > "$D/.generated"
  else
    log "reusing $D"
  fi
done

# ---------------------------------------------------------------- thematic and wc -w
for N in $SIZES; do
  D="$DATA/n$N"
  K="$RES/thematic-n$N.tsv"
  : > "$K"
  kv "$K" n "$N"
  kv "$K" transcripts_bytes "$(du -sb "$D/transcripts" | cut -f1)"
  kv "$K" analysis_bytes "$(du -sb --exclude=qc --exclude=.generated "$D" | cut -f1)"
  kv "$K" words "$(cat "$D"/transcripts/*.txt | wc -w)"
  kv "$K" coded_rows "$(($(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], encoding="utf-8"))))' "$D/coding/coder1.csv") - 1))"
  rc=0; "$BIN" check -p "$D" > "$RES/check-n$N.txt" 2>&1 || rc=$?
  kv "$K" check_exit "$rc"
  kv "$K" check_summary "$(tail -1 "$RES/check-n$N.txt")"
  rc=0; "$BIN" stats -p "$D" --level theme --by group --format csv > "$RES/stats-n$N.csv" 2>&1 || rc=$?
  kv "$K" stats_exit "$rc"
  kv "$K" loadavg "$(cut -d' ' -f1-3 /proc/loadavg)"
  log "N=$N: timing wc -w, thematic check, thematic stats"
  bench "$RES/hf-thematic-n$N.json" \
    wc "wc -w $D/transcripts/*.txt" \
    check "$BIN check -p $D" \
    stats "$BIN stats -p $D --level theme --by group"
  kv "$K" check_rss_kb "$(peak_rss "$BIN" check -p "$D")"
  kv "$K" stats_rss_kb "$(peak_rss "$BIN" stats -p "$D" --level theme --by group)"
  kv "$K" wc_rss_kb "$(peak_rss sh -c "wc -w $D/transcripts/*.txt")"
done

# ---------------------------------------------------------------- qc
if [ -n "$QC_SIZES" ]; then
  qc_install
  echo "qc	$("$QC" version 2>/dev/null | tail -1)" > "$RES/qc-env.tsv"
fi

for N in $QC_SIZES; do
  D="$DATA/n$N"
  P="$DATA/qc-n$N"
  K="$RES/qc-n$N.tsv"
  [ -d "$D" ] || continue
  : > "$K"
  kv "$K" n "$N"
  log "N=$N: qc init"
  kv "$K" qc_init_s "$(timed "$RES/qc-init-n$N" qc_project "$P" "$D/qc/codes" "$D/qc/codebook.yaml")"
  log "N=$N: qc corpus import"
  kv "$K" qc_import_s "$(cd "$P" && timed "$RES/qc-import-n$N" "$QC" corpus import -r --importer verbatim "$D/transcripts")"
  if [[ " $QC_CLI_SIZES " == *" $N "* ]]; then
    log "N=$N: qc code, one process per document"
    rm -rf "$P-cli"; cp -a "$P" "$P-cli"
    kv "$K" qc_load_cli_s "$(cd "$P-cli" && timed "$RES/qc-load-cli-n$N" bash -c '
      for f in "$1"/transcripts/*.txt; do
        "$2" code coder1 -p "$(basename "$f")" -1 </dev/null || exit 1
      done' _ "$D" "$QC")"
    rm -rf "$P-cli"
  fi
  log "N=$N: qc coding load (qc's update_coded_lines, one process)"
  load=$(timed "$RES/qc-load-n$N" "$VENV/bin/python" "$BENCH/qc_load.py" "$P" "$D/qc/codes")
  kv "$K" qc_load_s "$load"
  kv "$K" qc_timeout "$QC_TIMEOUT"
  if [ "$load" = timeout ] || [ "$load" = failed ]; then
    log "N=$N: qc load did not finish ($load); filling the database with SQL to time stats"
    qc_project "$P" "$D/qc/codes" "$D/qc/codebook.yaml"
    (cd "$P" && "$QC" corpus import -r --importer verbatim "$D/transcripts" >/dev/null 2>&1)
    kv "$K" qc_load_bulk_s "$(timed "$RES/qc-load-bulk-n$N" "$VENV/bin/python" "$BENCH/qc_load.py" --bulk "$P" "$D/qc/codes")"
    kv "$K" qc_stats_on_bulk yes
  fi
  (cd "$P" && "$QC" codes stats -r -a -d 1 -t > "$RES/qc-stats-n$N.txt" 2>&1) || true
  log "N=$N: timing qc codes stats"
  (cd "$P" && BENCH_RUNS=5 BENCH_WARMUP=1 bench "$RES/hf-qc-n$N.json" \
    stats "$QC codes stats -r -a -d 1 -t" \
    stats_by_group "for g in staff- partner- service-user-; do $QC codes stats -r -a -d 1 -t -p \$g; done" \
    check "$QC check")
  kv "$K" qc_stats_rss_kb "$(cd "$P" && peak_rss "$QC" codes stats -r -a -d 1 -t)"
  kv "$K" qc_db_bytes "$(stat -c %s "$P/qualitative_coding.sqlite3")"
done

# ---------------------------------------------------------------- tables
python3 "$BENCH/report.py" "$RES" | tee "$RES/tables.md"
