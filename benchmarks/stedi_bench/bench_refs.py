"""The two reference implementations the benchmark times against dbt on Trino.

Both compute the five outputs of the lakehouse (customer_trusted,
accelerometer_trusted, customers_curated, step_trainer_trusted,
machine_learning_curated) straight from a landing folder of JSON lines, under
the same rules as the dbt models, and write each as Parquet:

- `spark`: five AWS Glue-style PySpark jobs, written as a Glue user would
  (spark.read.json, dropDuplicates, joins, a window for the latest record),
  in Spark local mode with default settings apart from the driver memory.
  Each job reads the previous jobs' Parquet output, as Glue jobs chained
  through the catalog would.
- `duckdb`: the same five outputs in DuckDB SQL over read_json.

Run as a script (the benchmark starts each in its own process, so that its
memory can be measured as a process tree):

    python -m stedi_bench.bench_refs spark  --landing DIR --out DIR --result FILE.json
    python -m stedi_bench.bench_refs duckdb --landing DIR --out DIR --result FILE.json

The result file holds seconds per output, the start-up seconds and the row
count of every output.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from stedi import lakehouse

OUTPUTS = lakehouse.names(lakehouse.OUTPUTS)


# --------------------------------------------------------------------------
# PySpark, Glue style
# --------------------------------------------------------------------------

def run_spark(landing: Path, out: Path) -> dict:
    t0 = time.monotonic()
    from pyspark.sql import SparkSession, Window
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    spark = (SparkSession.builder.appName("stedi-glue-style")
             .master("local[*]").config("spark.driver.memory", "4g")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    startup = time.monotonic() - t0

    def read_json(entity):
        # A malformed (truncated) line is dropped, not half-read.
        return spark.read.option("mode", "DROPMALFORMED").json(f"{landing}/{entity}/landing/")

    def write(df, name):
        df.write.mode("overwrite").parquet(str(out / name))

    def job_customer_trusted():
        # Every field as text: a record with a date that is not a number must be
        # seen (it holds its customer out), not dropped by a typed schema.
        fields = ("customerName", "email", "phone", "birthDay", "serialNumber",
                  "registrationDate", "lastUpdateDate", "shareWithResearchAsOfDate")
        schema = T.StructType([T.StructField(f, T.StringType()) for f in fields])
        customers = (spark.read.schema(schema).option("mode", "DROPMALFORMED")
                     .json(f"{landing}/customer/landing/")
                     .withColumn("email_key", F.lower(F.trim("email")))
                     .filter(F.col("email_key").isNotNull() & (F.col("email_key") != ""))
                     .withColumn("updated", F.col("lastUpdateDate").try_cast("long"))
                     .withColumn("share", F.col("shareWithResearchAsOfDate").try_cast("long"))
                     .withColumn("usable", F.col("updated").isNotNull()
                                 & (F.col("shareWithResearchAsOfDate").isNull()
                                    | F.col("share").isNotNull()))
                     .withColumn("consent", F.when(F.col("usable") & (F.col("share") != 0),
                                                   F.col("share")).otherwise(F.lit(0))))
        usable = customers.filter("usable")
        latest = usable.groupBy("email_key").agg(F.max("updated").alias("latest"))
        # Deny on doubt: an unreadable record not provably older than the latest
        # readable one, or readable records tied on the latest date that disagree
        # about consent, hold the customer out.
        unreadable = (customers.filter("not usable").join(latest, "email_key", "left")
                      .filter("updated is null or latest is null or updated >= latest")
                      .select("email_key").distinct())
        ties = (usable.join(latest, "email_key").filter("updated = latest")
                .groupBy("email_key").agg(F.countDistinct("consent").alias("answers"))
                .filter("answers > 1").select("email_key"))
        newest_first = Window.partitionBy("email_key").orderBy(F.col("updated").desc())
        current = (usable.withColumn("rank", F.row_number().over(newest_first))
                   .filter("rank = 1")
                   .join(unreadable, "email_key", "left_anti")
                   .join(ties, "email_key", "left_anti"))
        write(current.filter("share is not null and share != 0")
              .drop("rank", "updated", "share", "usable", "consent"),
              "customer_trusted")

    def job_accelerometer_trusted():
        customers = spark.read.parquet(str(out / "customer_trusted"))
        readings = (read_json("accelerometer")
                    .withColumn("email_key", F.lower(F.trim("user")))
                    .filter(F.col("timestamp").isNotNull()))
        trusted = (readings.join(customers.select("email_key"), "email_key")
                   .select("email_key", "timestamp", "x", "y", "z").dropDuplicates())
        write(trusted, "accelerometer_trusted")

    def job_customers_curated():
        customers = spark.read.parquet(str(out / "customer_trusted"))
        readings = spark.read.parquet(str(out / "accelerometer_trusted"))
        write(customers.join(readings.select("email_key"), "email_key", "left_semi"),
              "customers_curated")

    def job_step_trainer_trusted():
        customers = spark.read.parquet(str(out / "customers_curated"))
        phone = spark.read.parquet(str(out / "accelerometer_trusted"))
        steps = (read_json("step_trainer")
                 .filter("serialNumber is not null and sensorReadingTime is not null")
                 .select("serialNumber", "sensorReadingTime", "distanceFromObject")
                 .dropDuplicates())
        candidates = (
            steps.join(customers.select("email_key", "serialNumber"), "serialNumber")
            .join(phone.select("email_key", F.col("timestamp").alias("sensorReadingTime"))
                  .distinct(), ["email_key", "sensorReadingTime"], "left_semi")
        )
        same_reading = Window.partitionBy("serialNumber", "sensorReadingTime",
                                          "distanceFromObject")
        attributed = (candidates.withColumn("fits", F.count("*").over(same_reading))
                      .filter("fits = 1").drop("fits"))
        write(attributed, "step_trainer_trusted")

    def job_machine_learning_curated():
        steps = spark.read.parquet(str(out / "step_trainer_trusted"))
        phone = spark.read.parquet(str(out / "accelerometer_trusted"))
        joined = steps.join(
            phone.withColumnRenamed("timestamp", "sensorReadingTime"),
            ["email_key", "sensorReadingTime"],
        )
        write(joined.drop("email_key"), "machine_learning_curated")

    # In the order the jobs read each other's output.
    jobs = {"customer_trusted": job_customer_trusted,
            "accelerometer_trusted": job_accelerometer_trusted,
            "customers_curated": job_customers_curated,
            "step_trainer_trusted": job_step_trainer_trusted,
            "machine_learning_curated": job_machine_learning_curated}
    assert set(jobs) == set(OUTPUTS), "a job per output of the lakehouse"
    seconds = {}
    for name, job in jobs.items():
        t = time.monotonic()
        job()
        seconds[name] = time.monotonic() - t
    counts = {name: spark.read.parquet(str(out / name)).count() for name in OUTPUTS}
    spark.stop()
    return {"engine": "spark", "version": spark.version, "startup_s": startup,
            "seconds": seconds, "counts": counts}


# --------------------------------------------------------------------------
# DuckDB
# --------------------------------------------------------------------------

def _duckdb_sql(landing: Path) -> dict[str, str]:
    def source(entity, columns):
        cols = ", ".join(f"{name}: '{kind}'" for name, kind in columns.items())
        # ignore_errors: a malformed line becomes a row of nulls (filtered below).
        return (f"read_json('{landing}/{entity}/landing/*.json', "
                f"format = 'newline_delimited', ignore_errors = true, columns = {{{cols}}})")

    customer = source("customer", {
        "customerName": "VARCHAR", "email": "VARCHAR", "phone": "VARCHAR",
        "birthDay": "VARCHAR", "serialNumber": "VARCHAR", "registrationDate": "VARCHAR",
        # as text: a date that is not a number must be seen (it holds its customer out)
        "lastUpdateDate": "VARCHAR", "shareWithResearchAsOfDate": "VARCHAR",
    })
    accelerometer = source("accelerometer", {
        "user": "VARCHAR", "timestamp": "BIGINT", "x": "DOUBLE", "y": "DOUBLE", "z": "DOUBLE",
    })
    step_trainer = source("step_trainer", {
        "serialNumber": "VARCHAR", "sensorReadingTime": "BIGINT",
        "distanceFromObject": "DOUBLE",
    })
    return {
        "customer_trusted": f"""
            -- Deny on doubt: an unreadable record (date not a number) not provably
            -- older than the latest readable one, or readable records tied on the
            -- latest date that disagree about consent, hold the customer out.
            with records as (
                select *, lower(trim(email)) as email_key,
                    try_cast(lastUpdateDate as bigint) as updated,
                    try_cast(shareWithResearchAsOfDate as bigint) as share
                from {customer}
                where email is not null and lower(trim(email)) <> ''
            ), checked as (
                select *, updated is not null
                        and (shareWithResearchAsOfDate is null or share is not null) as usable,
                    coalesce(share, 0) as consent
                from records
            ), latest as (
                select email_key, max(updated) filter (where usable) as latest
                from checked group by email_key
            ), held_out as (
                select c.email_key from checked as c join latest as l using (email_key)
                where not c.usable
                    and (c.updated is null or l.latest is null or c.updated >= l.latest)
                union
                select c.email_key from checked as c join latest as l using (email_key)
                where c.usable and c.updated = l.latest
                group by c.email_key having count(distinct c.consent) > 1
            ), ranked as (
                select *, row_number() over (
                    partition by email_key order by updated desc) as rank
                from checked
                where usable
            )
            select * exclude (rank, updated, share, usable, consent) from ranked
            where rank = 1 and share is not null and share <> 0
                and email_key not in (select email_key from held_out)""",
        "accelerometer_trusted": f"""
            select distinct c.email_key, a.timestamp as reading_epoch_ms, a.x, a.y, a.z
            from {accelerometer} as a
            join customer_trusted as c on lower(trim(a.user)) = c.email_key
            where a.timestamp is not null""",
        "customers_curated": """
            select * from customer_trusted
            where email_key in (select email_key from accelerometer_trusted)""",
        "step_trainer_trusted": f"""
            with readings as (
                select distinct serialNumber, sensorReadingTime, distanceFromObject
                from {step_trainer}
                where serialNumber is not null and sensorReadingTime is not null
            ), attributed as (
                select r.*, c.email_key, count(*) over (
                    partition by r.serialNumber, r.sensorReadingTime, r.distanceFromObject
                ) as fits
                from readings as r
                join customers_curated as c on r.serialNumber = c.serialNumber
                where exists (
                    select 1 from accelerometer_trusted as a
                    where a.email_key = c.email_key
                        and a.reading_epoch_ms = r.sensorReadingTime)
            )
            select * exclude (fits) from attributed where fits = 1""",
        "machine_learning_curated": """
            select s.serialNumber, s.sensorReadingTime, s.distanceFromObject, s.email_key,
                   a.x, a.y, a.z
            from step_trainer_trusted as s
            join accelerometer_trusted as a
                on s.email_key = a.email_key and s.sensorReadingTime = a.reading_epoch_ms""",
    }


def run_duckdb(landing: Path, out: Path) -> dict:
    t0 = time.monotonic()
    import duckdb

    con = duckdb.connect()
    startup = time.monotonic() - t0
    seconds = {}
    for name, sql in _duckdb_sql(landing).items():
        t = time.monotonic()
        con.execute(f"create or replace table {name} as {sql}")
        con.execute(f"copy {name} to '{out / name}.parquet' (format parquet)")
        seconds[name] = time.monotonic() - t
    counts = {name: con.execute(f"select count(*) from read_parquet('{out / name}.parquet')")
              .fetchone()[0] for name in OUTPUTS}
    return {"engine": "duckdb", "version": duckdb.__version__, "startup_s": startup,
            "seconds": seconds, "counts": counts}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m stedi_bench.bench_refs")
    p.add_argument("engine", choices=["spark", "duckdb"])
    p.add_argument("--landing", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--result", required=True)
    args = p.parse_args(argv)
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    run = run_spark if args.engine == "spark" else run_duckdb
    result = run(Path(args.landing), out)
    Path(args.result).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
