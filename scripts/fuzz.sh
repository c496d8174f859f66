#!/usr/bin/env bash
# Runs every fuzz target for a while (default 10 minutes each, one after another) and prints
# each one's last status line: runs, coverage, crashes. Needs `cargo install cargo-fuzz`.
# Crashes and slow inputs land in fuzz/artifacts/<target>/; copy each into
# tests/data/fuzz-regressions/ once fixed, where tests/properties.rs checks it.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(scan readers lexicon http report)
# The stable toolchain runs cargo-fuzz with RUSTC_BOOTSTRAP; the library forbids unsafe, so
# a sanitizer adds little (-s none).
export RUSTC_BOOTSTRAP=1
cargo fuzz build -s none >/dev/null
for t in "${targets[@]}"; do
  log=$(mktemp)
  if cargo fuzz run -s none "$t" -- -max_total_time="$seconds" >"$log" 2>&1; then
    echo "$t: $(grep -E '^Done|DONE' "$log" | tail -1)"
  else
    echo "$t: FAILED"; grep -E 'panicked|ERROR|Test unit written' "$log" | head -5
  fi
  rm -f "$log"
done
