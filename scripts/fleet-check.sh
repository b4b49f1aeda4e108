#!/usr/bin/env bash
# The fleet acceptance check of issue 14, end to end through the command line:
#   1. a seeded synthetic fleet of N services (default 1,000,000), as Parquet and as CSV;
#   2. `assess --batch` over the Parquet file into JSON Lines, timed, with its peak memory;
#   3. a sample of S rows (default 1,000, evenly spread) each assessed alone from a snapshot
#      file made of its CSV row, compared field by field with the batch's row.
# Usage: bash scripts/fleet-check.sh [SERVICES] [SAMPLE]
# Needs: cargo, python3, /usr/bin/time. Prints the figures; exits non-zero on a mismatch.
set -euo pipefail
cd "$(dirname "$0")/.."

services="${1:-1000000}"
sample="${2:-1000}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

cargo build --release --quiet -p scalability-advisor-cli --features batch
bin="$PWD/target/release/scalability-advisor"

"$bin" fleet --services "$services" --seed 14 --out "$dir/fleet.parquet" >/dev/null
"$bin" fleet --services "$services" --seed 14 --out "$dir/fleet.csv" >/dev/null

/usr/bin/time -f "%e %M" -o "$dir/time" \
    "$bin" assess --batch "$dir/fleet.parquet" --out "$dir/results.jsonl" --format json \
    >"$dir/summary.json"
read -r seconds peak_kb <"$dir/time"
python3 - "$services" "$seconds" "$peak_kb" "$dir/summary.json" <<'EOF'
import json, sys
services, seconds, peak_kb, path = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
s = json.load(open(path))
assert s["services"] == services, s["services"]
assert s["errors"] == 0, s["first_error"]
print(f"batch: {services} services in {seconds:.1f} s ({services / seconds:,.0f} per second), "
      f"peak RSS {peak_kb / 1024:.0f} MiB")
print("by stage:", dict(s["by_stage"]))
print("by worst severity:", dict(s["by_worst_severity"]))
EOF

python3 - "$dir" "$bin" "$services" "$sample" <<'EOF'
import json, subprocess, sys
dir, bin, services, sample = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
step = max(1, services // sample)
wanted = set(range(0, services, step))
with open(f"{dir}/fleet.csv") as f:
    header = f.readline().rstrip("\n").split(",")
    rows = {i: line.rstrip("\n").split(",") for i, line in enumerate(f) if i in wanted}
batch = {}
with open(f"{dir}/results.jsonl") as f:
    for i, line in enumerate(f):
        if i in wanted:
            batch[i] = json.loads(line)
checked = 0
for i in sorted(wanted):
    toml = []
    for key, cell in zip(header, rows[i]):
        if not cell or key == "service":
            continue
        if key == "architecture":
            cell = "[" + ", ".join(f'"{n}"' for n in cell.split(";")) + "]"
        elif key in ("users", "db_pool_size", "db_connections") and cell.endswith(".0"):
            cell = cell[:-2]
        toml.append(f"{key} = {cell}")
    path = f"{dir}/row.toml"
    with open(path, "w") as out:
        out.write("\n".join(toml) + "\n")
    single = json.loads(subprocess.run([bin, "assess", path, "--format", "json"],
                                       check=True, capture_output=True, text=True).stdout)
    row = batch[i]
    worst = max([f["severity"] for f in single["findings"]] + [p["severity"] for p in single["plan"]],
                key=["info", "warning", "critical"].index, default=None)
    expected = {
        "service": f"svc-{i}",
        "stage_by_users": single["stage"].get("by_users"),
        "stage_by_metrics": single["stage"].get("by_metrics"),
        "worst_severity": worst,
        "fired": [f["id"] for f in single["findings"]],
        "first_step": single["plan"][0]["title"] if single["plan"] else None,
        "not_judged": len(single["not_judged"]),
    }
    for key, want in expected.items():
        got = row.get(key)
        if got != want:
            sys.exit(f"row {i}: {key} is {got!r} in the batch, {want!r} alone")
    checked += 1
print(f"sample: {checked} rows agree with single assessments")
EOF
