"""Faults: Trino killed in the middle of a build, and two builds at once.
Afterwards the tables are complete and correct, never partial or duplicated;
and Trino, started again, is ready only when a table scan runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time

import pytest
from conftest import REFERENCE_COUNTS, REPO_ROOT

from stedi import dbt_runner, lakehouse
from stedi.pipeline import counts
from stedi.pipeline.production import PRODUCTION_ARGS

# Every dbt command here leaves out the unit tests (as `stedi build` does): their
# inputs are fixed, so a fault in the tables cannot change what they prove, and
# `built` ran them once (13 of the reference build's 75 nodes, 38 of its 139 s).

MODELS = lakehouse.names(lakehouse.OUTPUTS)

# Trino is killed, and running queries are read: no other test may run meanwhile.
pytestmark = pytest.mark.alone


def _counts(stack) -> dict[str, int]:
    return {name: n for _, name, n in counts.row_counts(stack.trino)}


def _assert_reference_tables(stack, settings):
    counts = _counts(stack)
    for model in MODELS:
        assert counts[model] == REFERENCE_COUNTS[model], model
    for model in ("accelerometer_trusted", "machine_learning_curated"):
        key = f"{model.removesuffix('_trusted').removesuffix('_curated')}_reading_id"
        table = lakehouse.qualified(model, settings.dbt_schema)
        dupes = stack.trino.query(f"select count(*) - count(distinct {key}) from {table}")
        assert dupes == [[0]], model


def _dbt_process(settings, workdir, *args: str) -> subprocess.Popen:
    """A dbt build with its own target and log folders (two may run at once)."""
    return subprocess.Popen(
        [dbt_runner.dbt_executable(), "build", *PRODUCTION_ARGS, *args, "--target-path", str(workdir / "target"),
         "--log-path", str(workdir / "logs")],
        cwd=REPO_ROOT, env=dbt_runner.dbt_env(settings),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def _start_and_scan_from_the_first_ready(stack, settings) -> None:
    """Ready means a table scan runs (stack/trino/healthcheck.sh, which compose's
    healthcheck runs too). /v1/info and `select 1` answer a second or two
    earlier, while a scan still fails with NO_NODES_AVAILABLE: `docker compose up
    --wait` then a query failed so in CI. Trino starts and, from the first moment
    it says ready, every check is followed at once by a scan (of a table the
    killed build had not reached: machine_learning_curated reads
    accelerometer_trusted)."""
    model = "machine_learning_curated"
    scan = f"select count(*) from {lakehouse.qualified(model, settings.dbt_schema)}"
    starting = threading.Thread(target=stack.trino.start)
    starting.start()
    scans = 0
    while scans < 3:
        if stack.trino.is_ready():
            assert stack.trino.query(scan) == [[REFERENCE_COUNTS[model]]]
            scans += 1
        else:
            assert scans == 0, "ready, then not ready"
    starting.join()


def test_trino_killed_mid_build_then_rebuilt_is_complete(built, settings, tmp_path):
    stack = built
    build = _dbt_process(settings, tmp_path, "--full-refresh")
    deadline = time.monotonic() + 300
    victim = None
    while time.monotonic() < deadline and build.poll() is None:
        running = stack.trino.query(
            "select query from system.runtime.queries where state = 'RUNNING'"
            " and query like '%accelerometer_trusted%' and query like '%create%'")
        if running:
            victim = running[0][0]
            os.kill(stack.trino.pid(), signal.SIGKILL)
            break
        time.sleep(0.2)
    output = build.communicate(timeout=600)[0]
    assert victim, "the build finished before Trino could be killed"
    assert build.returncode != 0, output

    _start_and_scan_from_the_first_ready(stack, settings)
    dbt_runner.run_dbt(["build", *PRODUCTION_ARGS], settings, quiet=True)   # the next build repairs
    _assert_reference_tables(stack, settings)


def test_two_builds_at_once_leave_correct_tables(built, settings, tmp_path):
    stack = built
    first = _dbt_process(settings, tmp_path / "a")
    second = _dbt_process(settings, tmp_path / "b")
    outputs = [p.communicate(timeout=900)[0] for p in (first, second)]
    codes = [first.returncode, second.returncode]
    for code, out, workdir in zip(codes, outputs, (tmp_path / "a", tmp_path / "b")):
        # Each build either finished, or failed the way dbt reports a failed node
        # (exit 1, not 2 = crashed), its run_results.json naming what failed.
        assert code in (0, 1), out[-3000:]
        if code == 1:
            results = json.loads((workdir / "target" / "run_results.json").read_text())
            assert {"error", "fail"} & {r["status"] for r in results["results"]}, out[-3000:]
    _assert_reference_tables(stack, settings)
    dbt_runner.run_dbt(["test", *PRODUCTION_ARGS], settings, quiet=True)
