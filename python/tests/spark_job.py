"""A PySpark job in local mode: a Parquet fleet through scalability_advisor.assess_batches
with DataFrame.mapInArrow, every result row compared with the command line's batch output.

Usage: python spark_job.py FLEET.parquet CLI_RESULTS.jsonl OUT_DIR
Exits non-zero on the first row that differs; prints the counts and timings.
"""
import hashlib
import json
import sys
import time

import pyarrow.parquet as pq
from pyspark.sql import SparkSession
from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema

import scalability_advisor as sa


def canonical(row):
    """A row as one string: keys sorted, nulls left out (JSON Lines leaves them out)."""
    kept = {k: v for k, v in row.items() if v is not None}
    return hashlib.blake2b(json.dumps(kept, sort_keys=True).encode(), digest_size=16).digest()


def main():
    fleet, cli_results, out_dir = sys.argv[1:4]
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("scalability-advisor-fleet")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "8192")
        # The kernel reads both, but writes plain strings and lists: declare those.
        .config("spark.sql.execution.arrow.useLargeVarTypes", "false")
        .getOrCreate()
    )
    df = spark.read.parquet(fleet)
    out_schema = from_arrow_schema(sa.output_schema(to_arrow_schema(df.schema)))
    started = time.time()
    df.mapInArrow(lambda batches: sa.assess_batches(batches), out_schema).write.mode(
        "overwrite"
    ).parquet(out_dir)
    spark_seconds = time.time() - started
    spark.stop()

    expected = {}
    with open(cli_results) as f:
        for line in f:
            row = json.loads(line)
            expected[row["service"]] = canonical(row)
    seen = 0
    for batch in pq.ParquetDataset(out_dir).read().to_batches():
        for row in batch.to_pylist():
            want = expected.pop(row["service"], None)
            if want is None:
                sys.exit(f"{row['service']}: in Spark's output, not (or twice) in the CLI's")
            if canonical(row) != want:
                sys.exit(f"{row['service']}: Spark's row differs from the CLI's: {row}")
            seen += 1
    if expected:
        sys.exit(f"{len(expected)} services missing from Spark's output")

    # A projection: the columns asked for (and `error`), each equal to the full output's.
    batch = next(pq.ParquetFile(fleet).iter_batches(batch_size=2000))
    full = sa.assess_batch(batch)
    some = sa.assess_batch(batch, columns=["fired", "stage_by_users", "first_step"])
    names = ["service", "stage_by_users", "fired", "first_step", "error"]
    if some.schema.names != names:
        sys.exit(f"a projection wrote {some.schema.names}, not {names}")
    for name in names:
        if some.column(name) != full.column(name):
            sys.exit(f"the projection's {name} differs from the full output's")
    try:
        sa.assess_batch(batch, columns=["firde"])
        sys.exit("a misspelt output column was accepted")
    except ValueError as e:
        if "firde" not in str(e):
            sys.exit(f"the error does not name the column: {e}")
    print(
        f"spark: {seen} services through mapInArrow in {spark_seconds:.1f} s "
        f"({seen / spark_seconds:,.0f} per second, local[2]); every row equals the CLI's"
    )


if __name__ == "__main__":
    main()
