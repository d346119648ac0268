"""A daily run's tests check the slice it rewrote; the whole-table proof checks
every row (docs/incremental.md, "What a daily run tests").

A daily `stedi build` (landing only gained files) runs the singular tests and
dbt's generic tests on trusted and curated on the customers and serials the new
files name. A fault planted in a customer the new
files do not name is not seen by the daily run's consent test, and is by the
proof command; a fault in a customer they name fails the daily run's test."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO_ROOT
from scenario import Scenario, customer, reading

from stedi import dbt_runner
from stedi.errors import StackError
from stedi.pipeline import production

CONSENT_TEST = "test_trusted__no_row_without_research_consent"
UNIQUE_TEST = "unique_accelerometer_trusted_accelerometer_reading_id"
RECONCILIATION = "test_landing__every_line_accounted_for"
TESTS = (CONSENT_TEST, UNIQUE_TEST, RECONCILIATION)
# The whole-table proof, as docs/incremental.md gives it.
PROOF = ["dbt", "test", "--exclude-resource-type", "unit_test"]


def _run_results() -> dict:
    return json.loads((dbt_runner.target_dir(REPO_ROOT) / "run_results.json").read_text())


def _statuses(sc: Scenario, delta: dict | None) -> dict[str, str]:
    """The consent, unique and reconciliation tests' status ('pass' or 'fail') in
    one `dbt test` run given this landing delta, as `stedi build` gives it."""
    with contextlib.suppress(StackError):  # dbt exits 1 on a failing test: the status says
        dbt_runner.run_dbt(["test", "--select", *TESTS], sc.settings, quiet=True,
                           env=production.delta_env(delta))
    return {r["unique_id"].split(".")[2]: r["status"] for r in _run_results()["results"]
            if r["unique_id"].startswith("test.")}


def _proof(sc: Scenario) -> subprocess.CompletedProcess:
    """The documented proof command on the scenario's lakehouse."""
    env = dbt_runner.dbt_env(sc.settings)
    stedi = Path(sys.executable).parent / "stedi"
    return subprocess.run([str(stedi), *PROOF], check=False, cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True)


def _plant_reading(sc: Scenario, email: str) -> None:
    """A leaked accelerometer_trusted row of this (non-consenting) customer."""
    sc.query("insert into {accelerometer_trusted} "
             "(accelerometer_reading_id, customer_id, reading_epoch_ms, reading_at, x, y, z) "
             f"select 'leak-{email}', to_hex(sha256(to_utf8('{email}'))), "
             "reading_epoch_ms, reading_at, x, y, z from {accelerometer_trusted} limit 1")


def test_daily_tests_read_the_slice_and_the_proof_reads_every_row(stack, tmp_path):
    sc = Scenario(stack, "daily_slice", tmp_path)
    try:
        sc.write("customer", "c1.json", [customer("a@x.com", serial="s-a", consent=500),
                                         customer("c@x.com", serial="s-c"),
                                         customer("d@x.com", serial="s-d")])
        sc.write("accelerometer", "a1.json", [reading("a@x.com", 1_000),
                                              reading("c@x.com", 1_000),
                                              reading("d@x.com", 1_000)])
        sc.load()
        assert sc.daily().ran                      # no build on record: in full
        # the next day's file names a (consenting) and c (not), not d
        sc.write("accelerometer", "a2.json", [reading("a@x.com", 2_000),
                                              reading("c@x.com", 2_000)])
        sc.load()
        assert sc.daily().ran
        # followed (appended_only): the tests read the slice of the file it names
        a2 = f"s3://{sc.settings.bucket}/accelerometer/landing/a2.json"
        daily = {"customer_landing_typed": {"read": [], "replace": []},
                 "accelerometer_landing_typed": {"read": [a2], "replace": [a2]},
                 "step_trainer_landing_typed": {"read": [], "replace": []},
                 "appended_only": True}
        compiled = (dbt_runner.target_dir(REPO_ROOT) / "compiled" / "stedi" / "tests" / "trusted"
                    / f"{CONSENT_TEST}.sql").read_text()
        assert a2 in compiled
        # the reconciliation counts the landing lines of the file the run read only
        reconciliation = (dbt_runner.target_dir(REPO_ROOT) / "compiled" / "stedi" / "tests" / "audit"
                          / "test_landing__every_line_accounted_for.sql").read_text()
        assert f"\"$path\" in ('{a2}')" in reconciliation, reconciliation

        # a clean lake: the proof passes
        clean = _proof(sc)
        assert clean.returncode == 0, clean.stdout[-3000:]

        # d, unchanged today: a reading of d's (who does not consent) planted twice
        # (a leaked row, and a reading id twice: dbt's unique test, sliced by
        # get_where_subquery). The daily tests do not read d's rows; the same
        # tests whole and the proof do.
        _plant_reading(sc, "d@x.com")
        _plant_reading(sc, "d@x.com")
        assert sc.count("accelerometer_trusted", "accelerometer_reading_id like 'leak-%'") == 2
        unique = (dbt_runner.target_dir(REPO_ROOT) / "compiled" / "stedi" / "models" / "trusted"
                  / "accelerometer_trusted.yml" / f"{UNIQUE_TEST}.sql")
        assert _statuses(sc, daily) == dict.fromkeys(TESTS, "pass")
        assert a2 in unique.read_text()
        assert _statuses(sc, None) == dict.fromkeys(TESTS, "fail")
        assert "a2.json" not in unique.read_text()
        faulty = _proof(sc)
        assert faulty.returncode != 0
        assert set(TESTS) <= {r["unique_id"].split(".")[2] for r in _run_results()["results"]
                              if r["status"] == "fail"}

        # c, named by today's file: the daily tests read c's rows and fail
        sc.query("delete from {accelerometer_trusted} where accelerometer_reading_id like 'leak-%'")
        _plant_reading(sc, "c@x.com")
        _plant_reading(sc, "c@x.com")
        assert _statuses(sc, daily) == dict.fromkeys(TESTS, "fail")
    finally:
        sc.drop()
