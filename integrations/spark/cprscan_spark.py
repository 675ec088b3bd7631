"""Scan a tree or a list of files for CPR numbers and other personal data with Spark.

The paths are spread over partitions; each partition runs the cprscan binary once through
``RDD.pipe`` with ``--files-from -`` (the partition's paths on its stdin, one per line), and the
JSON lines it prints are parsed into a DataFrame, written as Parquet with a count per kind and
confidence beside it. Spark schedules; cprscan scans. Values stay masked, as cprscan prints them.

    spark-submit integrations/spark/cprscan_spark.py --root /mnt/share --out /data/cprscan
    spark-submit integrations/spark/cprscan_spark.py --list hdfs:///lists/paths.txt --out ...

Outputs under ``--out``: ``findings`` (Parquet, one row per finding), ``counts`` (Parquet,
kind x confidence -> count), ``errors`` (Parquet, error and skip records) and
``summary.json`` (the partitions' summaries added up). The binary must exist at the same path
on every executor (``--cprscan``; ship it with ``--files`` or an image). Paths travel through
the pipe as UTF-8 lines: a name that is not UTF-8 or holds a newline cannot be listed, and is
counted in ``summary.json`` as ``unlisted`` (and printed) rather than silently lost.
"""

import argparse
import json
import os
import shlex
import sys

from pyspark.sql import SparkSession
from pyspark.sql import types as T

FINDING = T.StructType(
    [
        T.StructField("path", T.StringType()),
        T.StructField("member", T.StringType()),
        T.StructField("table", T.StringType()),
        T.StructField("field", T.StringType()),
        T.StructField("line", T.LongType()),
        T.StructField("column", T.LongType()),
        T.StructField("offset", T.LongType()),
        T.StructField("length", T.LongType()),
        T.StructField("kind", T.StringType()),
        T.StructField("confidence", T.StringType()),
        T.StructField("match", T.StringType()),
        T.StructField("reasons", T.ArrayType(T.StringType())),
        T.StructField("fingerprint", T.StringType()),
        # The record exactly as cprscan wrote it.
        T.StructField("json", T.StringType()),
    ]
)

ERROR = T.StructType(
    [
        T.StructField("path", T.StringType()),
        T.StructField("message", T.StringType()),
        T.StructField("skipped", T.BooleanType()),
        T.StructField("json", T.StringType()),
    ]
)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--root", help="a directory tree, listed on the driver")
    src.add_argument("--list", help="a text file of paths, one per line (any Spark URL)")
    p.add_argument("--out", required=True, help="output directory (replaced)")
    p.add_argument("--cprscan", default="cprscan", help="the binary on the executors")
    p.add_argument("--partitions", type=int, help="default: 4 per core of the cluster")
    p.add_argument(
        "--threads",
        type=int,
        default=1,
        help="cprscan threads per task (default 1: Spark runs one task per core)",
    )
    p.add_argument("--master", help="e.g. local[2] (default: as spark-submit says)")
    p.add_argument(
        "cprscan_args",
        nargs="*",
        help="more cprscan options after --, e.g. -- --kinds all --min-confidence low",
    )
    return p.parse_args(argv)


def listable(path):
    """Whether a path survives the pipe: UTF-8, and no newline."""
    if "\n" in path:
        return False
    try:
        path.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def list_tree(root):
    """Every file below root (symbolic links not followed, as cprscan's walk)."""
    files = []
    for top, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in (".git", ".hg", ".svn")]
        files.extend(os.path.join(top, n) for n in names)
    files.sort()
    return files


def finding_row(rec, line):
    return (
        rec.get("path"),
        rec.get("member"),
        rec.get("table"),
        rec.get("field"),
        rec.get("line"),
        rec.get("column"),
        rec.get("offset"),
        rec.get("length"),
        rec.get("kind"),
        rec.get("confidence"),
        rec.get("match"),
        rec.get("reasons"),
        rec.get("fingerprint"),
        line,
    )


def add_up(total, summary):
    for k, v in summary.items():
        if k in ("type", "shard"):
            continue
        if isinstance(v, bool):
            total[k] = total.get(k, False) or v
        elif isinstance(v, (int, float)):
            total[k] = max(total.get(k, 0), v) if k == "elapsed_ms" else total.get(k, 0) + v
        elif isinstance(v, dict):
            add_up(total.setdefault(k, {}), v)
    return total


def run(spark, args):
    sc = spark.sparkContext
    unlisted = []
    if args.root:
        paths = list_tree(args.root)
        unlisted = [p for p in paths if not listable(p)]
        paths = [p for p in paths if listable(p)]
        partitions = args.partitions or max(1, min(len(paths), sc.defaultParallelism * 4))
        rdd = sc.parallelize(paths, partitions)
    else:
        rdd = sc.textFile(args.list).filter(lambda p: p != "")
        if args.partitions:
            rdd = rdd.repartition(args.partitions)
    command = [
        args.cprscan,
        "--no-config",
        "--threads",
        str(args.threads),
        *args.cprscan_args,
        "--files-from",
        "-",
    ]
    # Exit status 1 means findings; errors are records, counted from the summaries below.
    lines = rdd.pipe(shlex.join(command), checkCode=False).cache()
    records = lines.map(lambda l: (json.loads(l), l)).cache()

    findings = spark.createDataFrame(
        records.filter(lambda r: r[0].get("type") == "finding").map(
            lambda r: finding_row(r[0], r[1])
        ),
        FINDING,
    )
    errors = spark.createDataFrame(
        records.filter(lambda r: r[0].get("type") == "error").map(
            lambda r: (r[0].get("path"), r[0].get("message"), r[0].get("skipped"), r[1])
        ),
        ERROR,
    )
    findings.write.mode("overwrite").parquet(os.path.join(args.out, "findings"))
    errors.write.mode("overwrite").parquet(os.path.join(args.out, "errors"))
    counts = findings.groupBy("kind", "confidence").count().orderBy("kind", "confidence")
    counts.write.mode("overwrite").parquet(os.path.join(args.out, "counts"))

    summary = {}
    parts = 0
    for s in records.filter(lambda r: r[0].get("type") == "summary").map(lambda r: r[0]).collect():
        add_up(summary, s)
        parts += 1
    summary = {"type": "summary", **summary, "partitions": parts, "unlisted": len(unlisted)}
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f)
        f.write("\n")
    for p in unlisted:
        print("cprscan_spark: cannot pass through the pipe (not UTF-8 or a newline):", repr(p),
              file=sys.stderr)
    return summary, counts.collect()


def main(argv=None, spark=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    if spark is None:
        builder = SparkSession.builder.appName("cprscan")
        if args.master:
            builder = builder.master(args.master)
        spark = builder.getOrCreate()
    os.makedirs(args.out, exist_ok=True)
    summary, counts = run(spark, args)
    print(json.dumps(summary))
    for row in counts:
        print(f"{row['kind']:<16} {row['confidence']:<8} {row['count']}")
    return 2 if summary.get("errors", 0) or summary.get("unlisted", 0) else 0


if __name__ == "__main__":
    sys.exit(main())
