#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), seeding corpora from fuzz/seeds and
# the project's examples. Needs a nightly toolchain (or RUSTC_BOOTSTRAP=1) and cargo-fuzz.
# Usage: fuzz/run-all.sh [SECONDS]
#
# Sanitizer: none by default (SANITIZER=address to change it). Every crate of the workspace
# forbids unsafe code, so AddressSanitizer could only find bugs in the unsafe code of
# dependencies, and it costs a stack trace per allocation: the allocation-heavy rule loader
# runs about five times faster without it. Panics, overflow checks and debug assertions,
# which are what catch bugs in safe Rust, stay on.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
sanitizer="${SANITIZER:-none}"
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz@0.13.2
toolchain="+nightly"
rustup toolchain list 2>/dev/null | grep -q '^nightly' || { toolchain=""; export RUSTC_BOOTSTRAP=1; }
for target in $(cargo fuzz list); do
  mkdir -p "corpus/$target"
  cp -r "seeds/$target/." "corpus/$target/" 2>/dev/null || true
  if [ "$target" = core_snapshot ]; then
    for f in ../examples/*.toml; do
      python3 -c 'import sys,tomllib,json; print(json.dumps(tomllib.load(open(sys.argv[1],"rb"))))' "$f" \
        > "corpus/$target/$(basename "$f" .toml).json" 2>/dev/null || true
    done
  fi
  echo "=== $target for ${seconds}s"
  cargo $toolchain fuzz run --sanitizer "$sanitizer" "$target" -- -max_total_time="$seconds" -print_final_stats=1 2>&1 \
    | grep -E 'stat::number_of_executed_units|stat::average_exec_per_sec|Done|SUMMARY|panicked' || true
done
