#!/usr/bin/env python3
"""Instruction counts of the hot paths and of the command line, measured with callgrind.

Instruction counts repeat exactly for the same binary and input whatever else the machine
does, so they show regressions where timings cannot. Each in-process case of
`benches/examples/instructions.rs` runs twice under callgrind, with N repetitions and with 0,
and the difference divided by N is the cost of one repetition (set-up excluded). Command-line
cases count a whole process, start-up included, for the binary as released (statically
linked, `cargo release-cli`; the budgets apply to it) and as `cargo install` builds it.

Run from the repository root (needs valgrind and a release build):

    python3 scripts/instruction-counts.py            # prints a Markdown table
    python3 scripts/instruction-counts.py --check    # also fails past the budgets below
"""
import os
import re
import subprocess
import sys
import tempfile

# (case, repetitions, budget in instructions per repetition or None)
IN_PROCESS = [
    ("classify", 200, None),
    ("evaluate_default_pack", 200, 3_000),
    ("evaluate_ten_rules", 1_000, None),
    ("hand_written_ten_rules", 1_000, None),
    ("assess", 50, None),
    ("load_default_pack", 5, None),
    ("layer_one_rule", 10, None),
    ("erlang_10000", 100, None),
    ("trend_86400", 1, None),
    ("pack_10000_rules", 1, None),
    ("arrow_1000_rows", 1, None),
    ("arrow_1000_rows_light", 1, None),
]

# (arguments, budget in instructions or None)
COMMAND_LINE = [
    (["assess", "examples/growth.toml"], 1_500_000),
    (["stage", "--users", "250000"], 500_000),
    (["plan", "--file", "examples/plan.toml"], None),
]


def callgrind(cmd):
    """Instructions executed by `cmd` (a list), counted by callgrind."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        r = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        m = re.search(r"Collected : (\d+)", r.stderr)
        if not m:
            sys.exit(f"callgrind gave no count for {' '.join(cmd)}:\n{r.stderr[-2000:]}")
        return int(m.group(1))


def main():
    check = "--check" in sys.argv
    # Two builds: built together, the CLI would link dependencies compiled with the features
    # the benchmarks need (Arrow's among them), and count start-up work it never does alone.
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "-p", "advisor-benches", "--example",
         "instructions"],
        check=True,
    )
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "-p", "scalability-advisor-cli"],
        check=True,
    )
    # The command line as released (statically linked, `cargo release-cli`), which the
    # budgets hold, and as `cargo install` builds it (dynamically linked), shown beside it.
    subprocess.run(["cargo", "release-cli", "--quiet"], check=True)
    example = "target/release/examples/instructions"
    clis = [
        ("released, static", "target/x86_64-unknown-linux-gnu/release/scalability-advisor", True),
        ("`cargo install`, dynamic", "target/release/scalability-advisor", False),
    ]
    failures = []
    print("| case | instructions | budget |")
    print("|---|---|---|")
    for case, n, budget in IN_PROCESS:
        per = (callgrind([example, case, str(n)]) - callgrind([example, case, "0"])) // n
        shown = f"{budget:,}" if budget else ""
        print(f"| `{case}` (per repetition) | {per:,} | {shown} |")
        if check and budget and per > budget:
            failures.append(f"{case}: {per:,} > {budget:,}")
    for args, budget in COMMAND_LINE:
        for build, cli, budgeted in clis:
            total = callgrind([cli] + args)
            shown = f"{budget:,}" if budget and budgeted else ""
            print(
                f"| `scalability-advisor {' '.join(args)}` (whole process, {build}) "
                f"| {total:,} | {shown} |"
            )
            if check and budget and budgeted and total > budget:
                failures.append(f"{' '.join(args)} ({build}): {total:,} > {budget:,}")
    if failures:
        sys.exit("over budget:\n  " + "\n  ".join(failures))


if __name__ == "__main__":
    main()
