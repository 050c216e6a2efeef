#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), one after another, on a corpus seeded
# by seed.sh. Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# Crashes land in fuzz/artifacts/TARGET/; the run goes on to the next target and the script
# exits 1 at the end if any target crashed. Extra arguments go to every target's libFuzzer,
# e.g. `fuzz/run.sh 600 -rss_limit_mb=4096`; FUZZ_TARGETS="codebook query" picks targets.
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
targets=${FUZZ_TARGETS:-$(cargo +nightly fuzz list)}
./seed.sh >/dev/null
# One build of every target, then each binary run as `cargo fuzz run TARGET corpus/TARGET --
# -max_total_time=N` would run it: build.rs makes cargo rebuild the library (minutes, with
# AddressSanitizer) on every `cargo fuzz run`, which would cost more than the fuzzing.
cargo +nightly fuzz build || exit 2
bin=target/$(rustc +nightly -vV | sed -n 's/^host: //p')/release
failed=()
for t in $targets; do
  echo "== $t: ${seconds}s"
  mkdir -p "artifacts/$t" "corpus/$t"
  if ! "$bin/$t" -artifact_prefix="$PWD/artifacts/$t/" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
    "$@" "corpus/$t" >"run-$t.log" 2>&1; then
    failed+=("$t")
    echo "   crashed: see fuzz/run-$t.log and fuzz/artifacts/$t/"
  fi
  tail -n 1 "run-$t.log" | sed 's/^/   /'
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "crashed: ${failed[*]}"
  exit 1
fi
echo "no crashes"
