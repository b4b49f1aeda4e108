#!/usr/bin/env python3
"""Share of public functions and methods with a runnable example in their docs, per crate.

A public function (`pub fn` or `pub const fn`, not `pub(crate)`) counts as covered when its
own doc comment holds a Rust code block: a fence with no language or `rust`. A `text` block
does not count, and neither does a pointer to a neighbour's example ("See [`plan`]"). Code
after a `#[cfg(test)] mod tests` line is skipped. Doc tests run these blocks, so a covered
function's example also compiles and passes.

Run from the repository root:

    python3 scripts/example-coverage.py            # the table (Markdown)
    python3 scripts/example-coverage.py --list     # and every function without an example
    python3 scripts/example-coverage.py --min 80   # exit non-zero below 80% in any crate
    python3 scripts/example-coverage.py --max-width 100
                                                   # and on example lines wider than 100
                                                   # columns (they scroll on docs.rs)
"""
import pathlib
import re
import sys

CRATES = {
    "scalability-advisor-core": "advisor-core/src",
    "scalability-advisor-formulas": "advisor-formulas/src",
    "scalability-advisor-rules": "advisor-rules/src",
    "scalability-advisor": "advisor/src",
    "scalability-advisor-postgres": "advisor-postgres/src",
    "scalability-advisor-prometheus": "advisor-prometheus/src",
    "scalability-advisor-arrow": "advisor-arrow/src",
}

FN = re.compile(r"^\s*pub (const )?fn (\w+)")


def scan(path):
    lines = path.read_text().splitlines()
    total, covered, missing = 0, 0, []
    in_tests = False
    for i, line in enumerate(lines):
        if re.match(r"^\s*#\[cfg\(test\)\]", line) and i + 1 < len(lines) and "mod tests" in lines[i + 1]:
            in_tests = True
        if in_tests:
            continue
        m = FN.match(line)
        if not m:
            continue
        # Collect the doc comment above (skipping attributes).
        j = i - 1
        doc = []
        while j >= 0 and (lines[j].strip().startswith("///") or lines[j].strip().startswith("#[")):
            if lines[j].strip().startswith("///"):
                doc.append(lines[j].strip()[3:].strip())
            j -= 1
        total += 1
        fences = [d for d in doc if d.startswith("```")]
        rust = any(f in ("```", "```rust") for f in fences)
        if rust:
            covered += 1
        else:
            missing.append(f"{path}:{i + 1}: {m.group(2)}")
    return total, covered, missing


def wide_example_lines(path, width):
    """Rendered lines of doc examples (hidden `# ` lines excluded) longer than `width`."""
    out = []
    in_block = False
    for i, line in enumerate(path.read_text().splitlines()):
        stripped = line.strip()
        if not (stripped.startswith("///") or stripped.startswith("//!")):
            continue
        body = stripped[3:]
        if body.startswith(" "):
            body = body[1:]
        if body.startswith("```"):
            in_block = not in_block
            continue
        if in_block and not body.startswith("# ") and body != "#" and len(body) > width:
            out.append(f"{path}:{i + 1}: {len(body)} columns")
    return out


def main():
    minimum = None
    if "--min" in sys.argv:
        minimum = float(sys.argv[sys.argv.index("--min") + 1])
    verbose = "--list" in sys.argv
    ok = True
    print("| crate | public functions | with an example | share |")
    print("|---|---|---|---|")
    for crate, src in CRATES.items():
        total = covered = 0
        missing = []
        for path in sorted(pathlib.Path(src).rglob("*.rs")):
            t, c, m = scan(path)
            total, covered = total + t, covered + c
            missing += m
        share = 100.0 * covered / total if total else None
        shown = f"{share:.1f}%" if share is not None else "n/a (re-exports only)"
        print(f"| {crate} | {total} | {covered} | {shown} |")
        if verbose:
            for m in missing:
                print("    missing:", m)
        if minimum is not None and share is not None and share < minimum:
            ok = False
    if "--max-width" in sys.argv:
        width = int(sys.argv[sys.argv.index("--max-width") + 1])
        wide = []
        for src in CRATES.values():
            for path in sorted(pathlib.Path(src).rglob("*.rs")):
                wide += wide_example_lines(path, width)
        print(f"\nexample lines wider than {width} columns: {len(wide)}")
        for w in wide:
            print("    ", w)
        if wide:
            ok = False
    if not ok:
        sys.exit(f"example coverage below {minimum}% in a crate, or example lines too wide")


if __name__ == "__main__":
    main()
