"""Benchmark: the dbt build on Trino vs Glue-style PySpark vs DuckDB, at scale N.

For each scale N: synthetic data (stedi synth, cached in
~/.cache/stedi/synth/<N>-<seed>-<generator>), loaded into its own bucket (stedi-bench) and
built into its own schemas (stedi_bench_*), so the reference lakehouse is
never touched. Then:

- `dbt build --full-refresh` R times: wall seconds, seconds per model (from
  run_results.json), rows/s, and Trino memory: the peak of Trino's own
  accounting per query (peakTotalMemoryReservation from /v1/query) and the
  Trino JVM's heap (sampled from /v1/status) and RSS (sampled from /proc),
  every 0.5 s;
- the five outputs with PySpark (local mode) and with DuckDB, each in its own
  process (peak RSS of its process tree sampled the same way);
- an incremental run: 1% more landing data (new customers), then `dbt build`
  without --full-refresh;
- every engine's row counts against the generator's expected_counts.json.

Results are merged into <report-dir>/benchmark_results.json (keyed by N) and
plotted to <report-dir>/benchmarks.png; a Markdown table is printed. The
report dir is target/bench unless --report-dir says otherwise: docs/ is only
written when asked (`--report-dir docs`, after a full run worth publishing).

    stedi bench --scales 1,10 --repeats 3
    stedi bench --scales 1,10,100 --repeats 3 --report-dir docs
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from stedi import dbt_runner, lakehouse, s3
from stedi.errors import StackError
from stedi.landing import load, synth
from stedi.pipeline import counts as zone_counts
from stedi.pipeline import production, scanned
from stedi.privacy import forgotten
from stedi.settings import Settings
from stedi.stack import install
from stedi.stack.native import Stack
from stedi.stack.trino import TrinoService

BENCH_BUCKET = "stedi-bench"
BENCH_SCHEMA = "stedi_bench"
# The outputs all three engines compute (the trusted and curated tables).
MODELS = lakehouse.names(lakehouse.OUTPUTS)
# dbt only: each landing line parsed once into an Iceberg table (the references
# parse the JSON inside their jobs).
TYPED_MODELS = lakehouse.names(lakehouse.TYPED)
# The Java versions Spark 4 runs on (Trino's JDK >= 24 is too new for it).
SPARK_JAVA_MAJORS = (17, 21)
# Incremental runs, in this order, each on top of the one before: "delta" adds
# 1% of N; "fixed" adds the same data at every N (1% of N=10), so its time
# shows whether an incremental run costs what is new or what is already held.
DELTA_PARTS = ("delta", "fixed")
FIXED_DELTA_SCALE = 0.1
# dbt's --target-path for the benchmark's builds, inside the project directory;
# also the default report dir.
TARGET_PATH = "target/bench"
DBT_ARGS = ["--target-path", TARGET_PATH,
            "--vars", f"{{expectations_dataset: none, landing_bucket: {BENCH_BUCKET}}}"]


def _log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def _loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict:
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
    return {"nproc": os.cpu_count(), "memory_gb": round(mem_kb / 1024 / 1024, 1),
            "cpu": cpu.group(1).strip() if cpu else "?"}


def spark_java_home() -> Path:
    """A JAVA_HOME Spark runs on: $STEDI_SPARK_JAVA_HOME, $JAVA_HOME, the `java` on
    PATH, or any JDK under /usr/lib/jvm; a StackError listing what was found."""
    candidates = [Path(os.environ[var]) for var in ("STEDI_SPARK_JAVA_HOME", "JAVA_HOME")
                  if os.environ.get(var)]
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(on_path).resolve().parents[1])
    jvm = Path("/usr/lib/jvm")
    if jvm.is_dir():
        candidates += sorted(jvm.iterdir())
    seen = []
    for home in candidates:
        version = install.java_version(home)
        if version and version[0] in SPARK_JAVA_MAJORS:
            return home
        seen.append(f"{home} ({'.'.join(map(str, version)) if version else 'no java'})")
    raise StackError(
        "the PySpark reference needs a JDK " + " or ".join(map(str, SPARK_JAVA_MAJORS))
        + "; none found. Looked at: " + ("; ".join(seen) or "nothing")
        + ". Set STEDI_SPARK_JAVA_HOME, or run with --no-references."
    )


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------

def synth_dir(settings: Settings, scale: float, seed: int, part: str = "p0") -> Path:
    """The cached data set for (scale, seed): generated once, reused after.

    The name holds a digest of the generator's source: a data set made by an
    older generator (e.g. before it wrote the deny-on-doubt records) is not
    reused, so the engines are always checked against the rules of today.
    """
    generator = hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()[:8]
    name = f"{scale:g}-{seed}" + ("" if part == "p0" else f"-{part}") + f"-{generator}"
    folder = settings.cache_dir / "synth" / name
    if (folder / "expected_counts.json").exists():
        return folder
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    if part == "p0":
        synth.generate(tmp, scale=scale, seed=seed)
    else:   # more data: new customers numbered far from the base ones (and each other)
        number = DELTA_PARTS.index(part) + 1
        synth.generate(tmp, scale=scale, seed=seed + number, offset=number * 10**9, part=part)
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return folder


def _expected(folder: Path) -> dict[str, int]:
    return json.loads((folder / "expected_counts.json").read_text())["counts"]


def _combined(folders: list[Path], dest: Path) -> Path:
    """A landing folder of symlinks to the files of several data sets."""
    shutil.rmtree(dest, ignore_errors=True)
    for folder in folders:
        for path in folder.glob("*/landing/*.json"):
            target = dest / path.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)
    return dest


# --------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------

def _tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


class Sampler:
    """Samples, every `interval` s: RSS of process trees, and Trino's JVM heap."""

    def __init__(self, pids=(), trino_url: str | None = None, interval: float = 0.5):
        self.pids, self.trino_url, self.interval = list(pids), trino_url, interval
        self.peak_rss = 0
        self.peak_heap = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak_rss = max(self.peak_rss, sum(_tree_rss(p) for p in self.pids if p))
            if self.trino_url:
                try:
                    with urllib.request.urlopen(f"{self.trino_url}/v1/status", timeout=2) as r:
                        self.peak_heap = max(self.peak_heap, json.load(r)["heapUsed"])
                except (OSError, ValueError, KeyError):
                    pass
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _seconds(duration: str) -> float:
    match = re.fullmatch(r"([\d.]+)\s*(ns|us|ms|s|m|h|d)", duration)
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600, "d": 86400}
    return float(match.group(1)) * scale[match.group(2)] if match else 0.0


def trino_query_stats(settings: Settings, since: float, schema: str) -> dict:
    """Peak memory (Trino's accounting), CPU and bytes read from storage
    (physicalInputDataSize, summed) of the queries since `since` (epoch s) on
    the lakehouse with schema prefix `schema`: overall and per model (the
    queries and the bytes they read as `stedi build` reports them: stedi.pipeline.scanned)."""
    queries = scanned.trino_queries(settings, since, schema)
    read = float(sum(b for b, _ in scanned.read_per_node(queries).values()))
    per_model: dict[str, dict] = {}
    peak, cpu = 0.0, 0.0
    for q in queries:
        stats = q["queryStats"]
        mem = scanned.size_bytes(stats.get("peakTotalMemoryReservation", "0B"))
        peak = max(peak, mem)
        cpu += _seconds(stats.get("totalCpuTime", "0s"))
        match = re.search(rf'create (?:or replace )?table "iceberg"\."{schema}_\w+"\."(\w+)"',
                          q["query"])
        if match:
            per_model[match.group(1)] = {"peak_memory_bytes": mem,
                                         "cpu_s": _seconds(stats.get("totalCpuTime", "0s"))}
    return {"peak_memory_bytes": peak, "cpu_s": cpu, "physical_input_bytes": read,
            "models": per_model}


# --------------------------------------------------------------------------
# Runs
# --------------------------------------------------------------------------

def _bench_settings(settings: Settings) -> Settings:
    return replace(settings, bucket=BENCH_BUCKET, dbt_schema=BENCH_SCHEMA)


def dbt_build(settings: Settings, *, full_refresh: bool, log_file: Path,
              delta: dict | None = None) -> dict:
    """delta: the landing files new since the last build, as `stedi build`
    passes them (production.landing_delta)."""
    bench = _bench_settings(settings)
    # the production build (no unit tests), every data test
    args = production.dbt_build_args(DBT_ARGS, full_refresh=full_refresh)
    trino = TrinoService(settings)
    load_before = _loadavg()
    since = time.time()
    start = time.monotonic()
    with Sampler([trino.pid()], settings.trino_url) as sampler, log_file.open("a") as log:
        dbt_runner.run_dbt(args, bench, log=log, env=production.delta_env(delta))
    wall = time.monotonic() - start
    results = json.loads((settings.project_dir / TARGET_PATH / "run_results.json").read_text())
    models = {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results["results"]
              if r["unique_id"].startswith("model.")}
    tests = sum(r["execution_time"] for r in results["results"]
                if r["unique_id"].startswith("test."))
    stats = trino_query_stats(settings, since, BENCH_SCHEMA)
    return {"wall_s": wall, "model_s": models, "models_total_s": sum(models.values()),
            "tests_total_s": tests, "trino": stats, "trino_heap_peak_bytes": sampler.peak_heap,
            "trino_rss_peak_bytes": sampler.peak_rss,
            "loadavg_before": load_before, "loadavg_after": _loadavg()}


def reference(engine: str, landing: Path, work: Path) -> dict:
    out, result = work / f"{engine}-out", work / f"{engine}-result.json"
    env = dict(os.environ)
    if engine == "spark":
        env["JAVA_HOME"] = str(spark_java_home())
    load_before = _loadavg()
    start = time.monotonic()
    with (work / f"{engine}.log").open("a") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "stedi_bench.bench_refs", engine, "--landing", str(landing),
             "--out", str(out), "--result", str(result)],
            stdout=log, stderr=subprocess.STDOUT, env=env,
        )
        with Sampler([proc.pid]) as sampler:
            code = proc.wait()
    wall = time.monotonic() - start
    if code != 0:
        raise StackError(f"{engine} reference failed (exit {code}); log: {work / engine}.log")
    data = json.loads(result.read_text())
    data.update(wall_s=wall, jobs_total_s=sum(data["seconds"].values()),
                rss_peak_bytes=sampler.peak_rss, loadavg_before=load_before,
                loadavg_after=_loadavg())
    shutil.rmtree(out, ignore_errors=True)
    return data


def _median(values):
    return statistics.median(values) if values else None


def model_summary(builds: list[dict], expected: dict) -> dict:
    """Per model (typed landing tables and the five outputs): median seconds over
    the builds, rows/s, and the peak memory of its query."""
    models = TYPED_MODELS + MODELS
    seconds = {m: _median([b["model_s"].get(m, 0.0) for b in builds]) for m in models}
    return {
        "model_median_s": seconds,
        "model_rows_per_s": {m: expected.get(m, 0) / s if s else None
                             for m, s in seconds.items()},
        "model_peak_memory_bytes": {
            m: max(b["trino"]["models"].get(m, {}).get("peak_memory_bytes", 0)
                   for b in builds) for m in models},
    }


def write_requests(settings: Settings, count: int, seed: int) -> None:
    """`count` requests (random ids) in the registry as `stedi forget` leaves
    them: one object, one JSON line per request. The first count - 1 lines are
    written at once (appending them one by one would rewrite the object each
    time); the last is appended by the product's own writer."""
    import random

    clear_requests(settings)
    rng = random.Random(seed)
    records = [{"customer_id": f"{rng.getrandbits(256):064X}",
                "forgotten_at": "2026-01-01T00:00:00Z", "step_readings": []}
               for _ in range(count)]
    if not records:
        return
    s3.client(settings).put_object(
        Bucket=settings.bucket, Key=lakehouse.REGISTRY_KEY,
        Body="".join(json.dumps(r) + "\n" for r in records[:-1]).encode())
    forgotten.record_request(settings, records[-1])


def clear_requests(settings: Settings) -> None:
    client = s3.client(settings)
    keys = s3.list_keys(settings, lakehouse.REGISTRY_PREFIX)
    for i in range(0, len(keys), 1000):
        client.delete_objects(Bucket=settings.bucket, Delete={
            "Objects": [{"Key": k} for k in keys[i:i + 1000]], "Quiet": True})


def bench_scale(settings: Settings, scale: float, *, repeats: int, ref_repeats: int,
                seed: int, incremental: bool, references: bool, requests: int = 0) -> dict:
    bench = _bench_settings(settings)
    work = settings.cache_dir / "bench" / f"{scale:g}-{seed}"
    work.mkdir(parents=True, exist_ok=True)
    log_file = work / "dbt.log"
    log_file.write_text("")

    t = time.monotonic()
    data = synth_dir(settings, scale, seed)
    generate_s = time.monotonic() - t
    expected = _expected(data)
    landing_rows = sum(expected[name] for name in lakehouse.names(lakehouse.SOURCES))
    _log(f"N={scale:g}: {landing_rows:,} landing lines in {data}")
    t = time.monotonic()
    load.load_landing(bench, data)
    load_s = time.monotonic() - t

    mismatches: list[str] = []

    def check(engine: str, counts: dict, wanted: dict) -> None:
        for name, rows in counts.items():
            if rows != wanted[name]:
                mismatches.append(f"N={scale:g} {engine} {name}: {rows} != expected "
                                  f"{wanted[name]}")

    trino = TrinoService(settings)
    builds = []
    for i in range(repeats):
        _log(f"N={scale:g}: dbt build --full-refresh {i + 1}/{repeats}")
        builds.append(dbt_build(settings, full_refresh=True, log_file=log_file))
        _log(f"  {builds[-1]['wall_s']:.1f}s (load {builds[-1]['loadavg_before']})")
    counts = {name: rows for _, name, rows in zone_counts.row_counts(trino, BENCH_SCHEMA)}
    check("dbt/trino", counts, expected)

    with_requests = None
    if requests:
        # The thousandth erasure request and beyond: the same full build with
        # `requests` requests to be forgotten in the registry (ids of nobody in
        # the data, so the counts stay the generator's).
        _log(f"N={scale:g}: writing {requests:,} requests to be forgotten")
        write_requests(bench, requests, seed)
        runs = []
        for i in range(repeats):
            _log(f"N={scale:g}: dbt build --full-refresh with {requests:,} requests "
                 f"{i + 1}/{repeats}")
            runs.append(dbt_build(settings, full_refresh=True, log_file=log_file))
            _log(f"  {runs[-1]['wall_s']:.1f}s (load {runs[-1]['loadavg_before']})")
        counts = {name: rows for _, name, rows in zone_counts.row_counts(trino, BENCH_SCHEMA)}
        check(f"dbt/trino {requests} requests", counts, expected)
        clear_requests(bench)
        with_requests = {"requests": requests,
                         "wall_median_s": _median([r["wall_s"] for r in runs]),
                         "models_median_s": _median([r["models_total_s"] for r in runs]),
                         "model_median_s": {m: _median([r["model_s"].get(m, 0.0) for r in runs])
                                            for m in TYPED_MODELS},
                         "runs": runs}

    refs = {}
    if references:
        for engine in ("spark", "duckdb"):
            runs = []
            for i in range(ref_repeats):
                _log(f"N={scale:g}: {engine} {i + 1}/{ref_repeats}")
                runs.append(reference(engine, data, work))
                _log(f"  jobs {runs[-1]['jobs_total_s']:.1f}s, wall {runs[-1]['wall_s']:.1f}s")
            check(engine, runs[-1]["counts"], expected)
            refs[engine] = runs

    inc, fixed, idle = None, None, None
    if incremental:
        loaded = [data]
        wanted = dict(expected)
        runs = {}
        for part, size in (("delta", scale * 0.01), ("fixed", FIXED_DELTA_SCALE)):
            delta = synth_dir(settings, size, seed, part=part)
            loaded.append(delta)
            before = production.input_objects(bench)
            load.load_landing(bench, _combined(loaded, work / "with-delta"))
            _log(f"N={scale:g}: +{part} landing data (scale {size:g}); dbt build (no --full-refresh)")
            run = dbt_build(settings, full_refresh=False, log_file=log_file,
                            delta=production.landing_delta(bench, before, production.input_objects(bench)))
            _log(f"  {run['wall_s']:.1f}s (load {run['loadavg_before']})")
            delta_expected = _expected(delta)
            run["added_scale"] = size
            run["added_landing_rows"] = sum(delta_expected[name]
                                            for name in lakehouse.names(lakehouse.SOURCES))
            wanted = synth.add_counts(wanted, delta_expected)
            counts = {name: rows for _, name, rows in zone_counts.row_counts(trino, BENCH_SCHEMA)}
            check(f"dbt/trino incremental +{part}", counts, wanted)
            runs[part] = run
        inc, fixed = runs["delta"], runs["fixed"]
        # The daily run on a day nothing arrived: what a build costs when no
        # landing file is new (target: at most half a full build).
        _log(f"N={scale:g}: dbt build with no new landing data")
        idle = dbt_build(settings, full_refresh=False, log_file=log_file,
                         delta=production.landing_delta(bench, production.input_objects(bench),
                                                   production.input_objects(bench)))
        _log(f"  {idle['wall_s']:.1f}s (load {idle['loadavg_before']})")
        # ... and as `stedi build` runs it: nothing it reads changed, no dbt run
        production.remember(bench, production.inputs(bench, production.dbt_build_args(DBT_ARGS)))
        start = time.monotonic()
        skipped = production.build(bench, DBT_ARGS)
        idle["skipped_build_s"] = time.monotonic() - start
        if skipped.ran:
            mismatches.append(f"N={scale:g}: stedi build ran with nothing new ({skipped.reason})")
        _log(f"  stedi build: {skipped.reason}, {idle['skipped_build_s']:.2f}s")
        counts = {name: rows for _, name, rows in zone_counts.row_counts(trino, BENCH_SCHEMA)}
        check("dbt/trino no new data", counts, wanted)
        load.load_landing(bench, data)   # leave the base data set loaded

    wall = _median([b["wall_s"] for b in builds])
    result = {
        "scale": scale, "seed": seed, "repeats": repeats, "ref_repeats": ref_repeats,
        "landing_rows": landing_rows, "expected": expected,
        "generate_s": generate_s, "load_s": load_s,
        "dbt": {
            "wall_median_s": wall,
            "models_median_s": _median([b["models_total_s"] for b in builds]),
            "tests_median_s": _median([b["tests_total_s"] for b in builds]),
            "landing_rows_per_s": landing_rows / wall,
            **model_summary(builds, expected),
            "trino_query_peak_memory_bytes": max(b["trino"]["peak_memory_bytes"]
                                                 for b in builds),
            "trino_heap_peak_bytes": max(b["trino_heap_peak_bytes"] for b in builds),
            "trino_rss_peak_bytes": max(b["trino_rss_peak_bytes"] for b in builds),
            "trino_cpu_median_s": _median([b["trino"]["cpu_s"] for b in builds]),
            "runs": builds,
        },
        "references": {
            engine: {
                "jobs_median_s": _median([r["jobs_total_s"] for r in runs]),
                "wall_median_s": _median([r["wall_s"] for r in runs]),
                "startup_median_s": _median([r["startup_s"] for r in runs]),
                "job_median_s": {m: _median([r["seconds"][m] for r in runs]) for m in MODELS},
                "rss_peak_bytes": max(r["rss_peak_bytes"] for r in runs),
                "version": runs[0]["version"],
                "counts": runs[-1]["counts"],
                "runs": runs,
            } for engine, runs in refs.items()
        },
        "incremental": inc,
        "incremental_fixed": fixed,
        "nothing_new": idle,
        "with_requests": with_requests,
        "mismatches": mismatches,
    }
    for m in mismatches:
        _log(f"MISMATCH {m}")
    return result


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def _mb(n):
    return f"{n / 1e6:,.0f} MB" if n else "-"


def _incremental_cell(run: dict | None, full: dict) -> str:
    if not run:
        return "-"
    return (f"{run['wall_s']:.1f} s ({run['wall_s'] / full['wall_median_s']:.0%} of full): "
            f"models {run['models_total_s']:.1f} s, tests {run['tests_total_s']:.1f} s; "
            f"load {'/'.join(map(str, run['loadavg_before']))}")


def markdown(results: dict) -> str:
    rows = [
        ("| N | landing lines | dbt build wall (median) | dbt models | dbt tests "
         "| Spark jobs (+ start-up) | DuckDB | dbt / Spark jobs | Trino query peak mem "
         "| incremental +1% of N | incremental + fixed delta (1% of N=10) "
         "| no new data | load avg before full builds (1/5/15 min) |"),
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key in sorted(results, key=float):
        r = results[key]
        d = r["dbt"]
        spark = r["references"].get("spark")
        duck = r["references"].get("duckdb")
        loads = sorted({tuple(b["loadavg_before"]) for b in d["runs"]})
        rows.append(
            f"| {r['scale']:g} | {r['landing_rows']:,} | {d['wall_median_s']:.1f} s | "
            f"{d['models_median_s']:.1f} s | {d['tests_median_s']:.1f} s | "
            + (f"{spark['jobs_median_s']:.1f} s (+{spark['startup_median_s']:.1f} s) | "
               if spark else "- | ")
            + (f"{duck['jobs_median_s']:.2f} s | " if duck else "- | ")
            + (f"{d['wall_median_s'] / spark['jobs_median_s']:.2f} | " if spark else "- | ")
            + f"{_mb(d['trino_query_peak_memory_bytes'])} | "
            + f"{_incremental_cell(r.get('incremental'), d)} | "
            + f"{_incremental_cell(r.get('incremental_fixed'), d)} | "
            + f"{_incremental_cell(r.get('nothing_new'), d)} | "
            + f"{'; '.join('/'.join(map(str, x)) for x in loads)} |"
        )
    per_model = ["", ("| N | model | dbt/Trino s | rows | rows/s | Trino peak mem "
                      "| Spark job s | DuckDB s |"), "|---|---|---|---|---|---|---|---|"]
    for key in sorted(results, key=float):
        r = results[key]
        d = r["dbt"]
        for m in TYPED_MODELS + MODELS:
            spark = r["references"].get("spark", {}).get("job_median_s", {}).get(m)
            duck = r["references"].get("duckdb", {}).get("job_median_s", {}).get(m)
            per_model.append(
                f"| {r['scale']:g} | {m} | {d['model_median_s'][m]:.2f} | "
                f"{r['expected'].get(m, 0):,} | {d['model_rows_per_s'][m] or 0:,.0f} | "
                f"{_mb(d['model_peak_memory_bytes'][m])} | "
                + (f"{spark:.2f} | " if spark is not None else "- | ")
                + (f"{duck:.2f} |" if duck is not None else "- |")
            )
    mismatches = [m for r in results.values() for m in r["mismatches"]]
    tail = ["", "Row-count mismatches: " + ("; ".join(mismatches) if mismatches else "none")]
    return "\n".join(rows + per_model + tail + ratios(results))


def ratios(results: dict) -> list[str]:
    """The target ratios (docs/benchmarks.md, Targets), from these results."""
    lines = ["", "Ratios:"]
    for key in sorted(results, key=float):
        r = results[key]
        d, spark, inc = r["dbt"], r["references"].get("spark"), r.get("incremental")
        if spark:
            lines.append(f"- N={key}: dbt build / Spark jobs = "
                         f"{d['wall_median_s'] / spark['jobs_median_s']:.2f}")
        if inc:
            lines.append(f"- N={key}: incremental +1% / full build = "
                         f"{inc['wall_s'] / d['wall_median_s']:.0%}")
            full_read = _median([b["trino"].get("physical_input_bytes", 0) for b in d["runs"]])
            if full_read:
                lines.append(f"- N={key}: bytes read, +1% build / full build = "
                             f"{inc['trino'].get('physical_input_bytes', 0) / full_read:.0%} "
                             f"({_mb(inc['trino'].get('physical_input_bytes'))} of "
                             f"{_mb(full_read)})")
        if r.get("with_requests"):
            req = r["with_requests"]
            lines.append(f"- N={key}: full build with {req['requests']:,} requests to be "
                         f"forgotten / without = {req['wall_median_s'] / d['wall_median_s']:.2f}"
                         " (target <= 1.10)")
        if r.get("nothing_new"):
            idle = r["nothing_new"]
            lines.append(f"- N={key}: dbt build with no new data / full build = "
                         f"{idle['wall_s'] / d['wall_median_s']:.0%}")
            if inc:   # the daily run's data work: what the +1 % adds to a run with nothing new
                lines.append(f"- N={key}: daily +1% run = {inc['wall_s'] - idle['wall_s']:.1f} s of "
                             f"data work + {idle['wall_s']:.1f} s fixed "
                             f"({idle['wall_s'] / inc['wall_s']:.0%} fixed)")
            if "skipped_build_s" in idle:
                lines.append(f"- N={key}: `stedi build` with no new data (dbt skipped) / "
                             f"full build = {idle['skipped_build_s'] / d['wall_median_s']:.1%}"
                             f" ({idle['skipped_build_s']:.2f} s)")
    keys = sorted(results, key=float)
    for low, high in itertools.pairwise(keys):
        a, b = results[low], results[high]
        lines.append(f"- N={low} -> N={high} ({b['scale'] / a['scale']:g}x the data): "
                     f"full build {b['dbt']['wall_median_s'] / a['dbt']['wall_median_s']:.1f}x")
        if a.get("incremental_fixed") and b.get("incremental_fixed"):
            lines.append(f"- same delta added at N={low} and N={high}: incremental "
                         f"{b['incremental_fixed']['wall_s'] / a['incremental_fixed']['wall_s']:.2f}x")
    return lines


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = sorted(results, key=float)
    scales = [results[k]["scale"] for k in keys]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    series = [
        ("dbt build on Trino (wall)", [results[k]["dbt"]["wall_median_s"] for k in keys]),
        ("dbt models on Trino (summed over 2 threads)", [results[k]["dbt"]["models_median_s"] for k in keys]),
    ]
    for engine, label in (("spark", "PySpark Glue-style jobs (local)"), ("duckdb", "DuckDB")):
        ys = [results[k]["references"].get(engine, {}).get("jobs_median_s") for k in keys]
        series.append((label, ys))
    for label, ys in series:
        pts = [(x, y) for x, y in zip(scales, ys) if y is not None]
        if pts:
            ax.plot(*zip(*pts), marker="o", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("scale N (1 = reference size, ~110k landing lines)")
    ax.set_ylabel("seconds (median)")
    ax.set_title("STEDI lakehouse: time vs data size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def run(settings: Settings, scales: list[float], *, repeats: int = 3,
        ref_repeats: int | None = None, seed: int = 42, incremental: bool = True,
        references: bool = True, report_dir: Path | None = None,
        requests: dict[float, int] | None = None) -> dict:
    report_dir = report_dir or settings.project_dir / TARGET_PATH
    report_dir.mkdir(parents=True, exist_ok=True)
    store = report_dir / "benchmark_results.json"
    saved = json.loads(store.read_text()) if store.exists() else {"results": {}}
    for scale in scales:
        result = bench_scale(settings, scale, repeats=repeats,
                             ref_repeats=ref_repeats or repeats, seed=seed,
                             incremental=incremental, references=references,
                             requests=(requests or {}).get(scale, 0))
        result["machine"] = machine()
        result["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        saved["results"][f"{scale:g}"] = result
        store.write_text(json.dumps(saved, indent=1) + "\n")
    plot(saved["results"], report_dir / "benchmarks.png")
    return saved["results"]


# --------------------------------------------------------------------------
# Command line (`stedi bench ARGS` hands ARGS to main)
# --------------------------------------------------------------------------

def parser() -> argparse.ArgumentParser:
    b = argparse.ArgumentParser(prog="stedi bench",
                                description="time dbt on Trino vs PySpark vs DuckDB at scales N")
    b.add_argument("--scales", default="1,10", help="comma-separated scale factors")
    b.add_argument("--repeats", type=int, default=3, help="full dbt builds per scale")
    b.add_argument("--ref-repeats", type=int, help="PySpark/DuckDB runs (default: --repeats)")
    b.add_argument("--seed", type=int, default=42)
    b.add_argument("--no-incremental", action="store_true")
    b.add_argument("--no-references", action="store_true", help="skip PySpark and DuckDB")
    b.add_argument("--requests", default="100:10000", metavar="N:K,...",
                   help="also time the full build at scale N with K requests to be "
                        "forgotten (default 100:10000; '' for none)")
    b.add_argument("--report-dir",
                   help=f"where benchmark_results.json and benchmarks.png go (default: "
                        f"<project>/{TARGET_PATH}; `docs` publishes them)")
    return b


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = Settings.from_env()
    Stack(settings).up()
    results = run(
        settings, [float(s) for s in args.scales.split(",")], repeats=args.repeats,
        ref_repeats=args.ref_repeats, seed=args.seed,
        incremental=not args.no_incremental, references=not args.no_references,
        requests={float(n): int(k) for n, k in
                  (pair.split(":") for pair in args.requests.split(",") if pair)},
        report_dir=Path(args.report_dir).resolve() if args.report_dir else None,
    )
    print(markdown(results))
    return 1 if any(r["mismatches"] for r in results.values()) else 0
