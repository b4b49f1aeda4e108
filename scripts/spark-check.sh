#!/usr/bin/env bash
# Issue 14's Spark check: the Python package built from the Arrow kernel (maturin + pyo3),
# a PySpark job in local mode running it through DataFrame.mapInArrow over a seeded Parquet
# fleet, and every result row compared with the command line's `assess --batch` output.
#
# Usage: bash scripts/spark-check.sh [SERVICES]     (default 1,000,000)
# Needs: cargo, python3 (3.9+) with venv, Java 17+ (Debian: openjdk-17-jre-headless), and
# PyPI for maturin, pyarrow, pandas and pyspark (installed into a virtual environment kept in
# ${ADVISOR_SPARK_VENV:-$HOME/.cache/scalability-advisor-spark}).
set -euo pipefail
cd "$(dirname "$0")/.."

services="${1:-1000000}"
venv="${ADVISOR_SPARK_VENV:-$HOME/.cache/scalability-advisor-spark}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

if ! command -v java >/dev/null; then
    echo "spark-check: Java is needed (apt-get install openjdk-17-jre-headless)" >&2
    exit 2
fi
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
    "maturin>=1.5,<2" "pyarrow>=14" "pandas>=2.2,<3" "pyspark>=3.5"

start=$(date +%s)
(cd python && "$venv/bin/maturin" build --release --quiet -o "$dir/wheels")
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps \
    "$dir"/wheels/*.whl
echo "spark-check: Python package built and installed in $(( $(date +%s) - start )) s"

cargo build --release --quiet -p scalability-advisor-cli --features batch
bin="$PWD/target/release/scalability-advisor"
"$bin" fleet --services "$services" --seed 14 --out "$dir/fleet.parquet" >/dev/null
"$bin" assess --batch "$dir/fleet.parquet" --out "$dir/cli.jsonl" >/dev/null

# Spark's Python workers run `python3` from PATH unless told otherwise, which may hold an
# older build of the package: they must use the environment the wheel was installed into.
export PYSPARK_PYTHON="$venv/bin/python" PYSPARK_DRIVER_PYTHON="$venv/bin/python"
"$venv/bin/python" python/tests/spark_job.py "$dir/fleet.parquet" "$dir/cli.jsonl" \
    "$dir/spark" 2> >(grep -v -e '^WARN' -e 'WARN ' -e '^Setting' -e '^To adjust' \
        -e 'log4j' -e '^\[Stage' -e '^\s*$' >&2)
