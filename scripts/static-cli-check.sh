#!/usr/bin/env bash
# The command line as released for x86-64 Linux (`cargo release-cli`, .cargo/config.toml):
# checks that it is statically linked and position-independent, and that it prints, byte for
# byte, what the dynamically linked build prints for every example and for each subcommand
# that reads no server, exit codes included (an invalid input among them).
# Usage: bash scripts/static-cli-check.sh [REFERENCE_BINARY]
#   REFERENCE_BINARY: a dynamically linked release build (default: built here).
# Needs: cargo, file. Exits non-zero on a difference.
set -euo pipefail
cd "$(dirname "$0")/.."

reference="${1:-}"
if [ -z "$reference" ]; then
  cargo build --release --quiet --locked -p scalability-advisor-cli
  reference="$PWD/target/release/scalability-advisor"
fi
cargo release-cli --quiet
released="$PWD/target/x86_64-unknown-linux-gnu/release/scalability-advisor"

command -v file >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq file
}
kind="$(file -b "$released")"
case "$kind" in
  *static-pie*) echo "released binary: $kind" ;;
  *) echo "expected a static-pie executable, got: $kind" >&2; exit 1 ;;
esac
# Its relocations packed (DT_RELR, .cargo/config.toml): readelf comes with the linker.
if readelf -d "$released" | grep -q '(RELR)'; then
  echo "released binary: relocations packed (DT_RELR)"
else
  echo "expected packed relocations (DT_RELR) in $released" >&2; exit 1
fi

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
printf 'users = -5\n' >"$dir/invalid.toml"
runs=(
  "stage --users 250000"
  "assess examples/growth.toml"
  "assess examples/startup.toml"
  "assess examples/scale.toml"
  "assess examples/enterprise.toml --format json"
  "assess examples/growth.toml --series examples/growth-series.csv"
  "plan --file examples/plan.toml"
  "assess $dir/invalid.toml"
)
failed=0
for args in "${runs[@]}"; do
  # shellcheck disable=SC2086 # the arguments are words on purpose
  a_rc=0; "$reference" $args >"$dir/a.out" 2>"$dir/a.err" || a_rc=$?
  # shellcheck disable=SC2086
  b_rc=0; "$released" $args >"$dir/b.out" 2>"$dir/b.err" || b_rc=$?
  if [ "$a_rc" != "$b_rc" ] || ! cmp -s "$dir/a.out" "$dir/b.out" || ! cmp -s "$dir/a.err" "$dir/b.err"; then
    echo "differs: scalability-advisor $args (exit $a_rc vs $b_rc)" >&2
    diff "$dir/a.out" "$dir/b.out" | head -20 >&2 || true
    failed=1
  else
    echo "same: scalability-advisor $args (exit $a_rc, $(wc -c <"$dir/a.out") bytes)"
  fi
done
exit "$failed"
