"""Test driver for integrations/spark/cprscan_spark.py: runs the job in one local Spark session,
reads its Parquet findings back with the same session, and prints them as the records cprscan
wrote (one JSON line each, sorted), then `SUMMARY <json>` and `COUNTS <json>`.

    python3 tests/spark/run_and_dump.py --root DIR --out OUT --cprscan BIN --master local[2]
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "integrations", "spark"))

import cprscan_spark  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402


def main():
    args = cprscan_spark.parse_args(sys.argv[1:])
    spark = (
        SparkSession.builder.master(args.master or "local[2]")
        .appName("cprscan-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    # The workers unpickle the job's functions by module name: ship the module.
    spark.sparkContext.addPyFile(cprscan_spark.__file__)
    summary, counts = cprscan_spark.run(spark, args)
    back = spark.read.parquet(os.path.join(args.out, "findings"))
    for line in sorted(r["json"] for r in back.select("json").collect()):
        print(line)
    print("SUMMARY " + json.dumps(summary))
    print("COUNTS " + json.dumps({f"{r['kind']}/{r['confidence']}": r["count"] for r in counts}))
    spark.stop()


if __name__ == "__main__":
    main()
