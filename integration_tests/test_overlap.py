"""Upkeep never breaks a build: a purge or an erasure started while the build
runs waits for it (the lakehouse's lock, src/stedi/lock.py), as a scheduler
would start them, through the documented commands: `stedi build` in one
process, `stedi purge --execute` or `stedi forget EMAIL --execute` in another.
Before the lock, a purge whose OPTIMIZE committed under the build's CREATE OR
REPLACE failed the build ("Metadata location [...] is not same as table
metadata location")."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import datetime

import pytest
from conftest import STEDI
from scenario import Scenario
from test_forget import PROTECTED, F, K, _clear_requests, _customer_id, _files, _rows_of

from stedi import dbt_runner, lock


def _env(sc) -> dict[str, str]:
    return dict(dbt_runner.dbt_env(sc.settings), STEDI_DATA_DIR=str(sc.folder),
                STEDI_EXPECTATIONS="none")


def _wait_for_holder(sc, holder: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = lock.current(sc.settings)
        if found and found[0].get("holder") == holder:
            return
        time.sleep(0.2)
    raise AssertionError(f"{holder} never held the lock")


@pytest.fixture(scope="module")
def overlap(stack, tmp_path_factory):
    """test_forget's people, loaded and built once for both tests: each starts
    its own `stedi build --full-refresh` (every table replaced) on it, and each
    test's proof reads the rows before and after its own overlap."""
    sc = Scenario(stack, "overlap", tmp_path_factory.mktemp("overlap"))
    _clear_requests(sc.settings)
    _files(sc)
    sc.load()
    sc.build("--full-refresh")
    yield sc
    sc.drop()
    _clear_requests(sc.settings)


def _overlap(sc, tmp_path, upkeep: str, *second: str) -> None:
    """`stedi build --full-refresh` (every table replaced), and `second`
    started 5 s into its dbt run. Both must succeed, every node of the build
    (its own dbt target path), and the upkeep's first query (the first whose
    text matches the regex `upkeep`) must start after the build."""
    started = sc.trino.query("select to_unixtime(current_timestamp)")[0][0]
    build = subprocess.Popen([STEDI, "build", "--full-refresh"],
                             env=dict(_env(sc), DBT_TARGET_PATH=str(tmp_path / "build")),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    _wait_for_holder(sc, "stedi build")
    time.sleep(5)
    other = subprocess.Popen([STEDI, *second], env=_env(sc), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    build_out, _ = build.communicate(timeout=1800)
    other_out, _ = other.communicate(timeout=1800)
    assert build.returncode == 0, build_out
    assert other.returncode == 0, other_out
    results = json.loads((tmp_path / "build" / "run_results.json").read_text())["results"]
    statuses = {r["unique_id"]: r["status"] for r in results}
    assert statuses and set(statuses.values()) <= {"success", "pass", "no-op"}, statuses
    # the build's last node, as dbt timed it (the upkeep's own dbt steps create
    # tables too: a CREATE in Trino's history is not always the build's)
    build_end = max(datetime.fromisoformat(t["completed_at"]).timestamp()
                    for r in results for t in r["timing"])
    assert_upkeep_started_after_the_build(sc, started, upkeep, build_end)
    assert lock.current(sc.settings) is None


def assert_upkeep_started_after_the_build(sc, since: float, upkeep: str,
                                          build_end: float) -> None:
    """Trino's own record of the queries (system.runtime.queries) created since
    `since` (epoch seconds: this overlap's, not an earlier test's on the same
    lakehouse): the upkeep's first query (text matching `upkeep`) was created
    after the build's last node had finished (`build_end`, epoch seconds)."""
    first = sc.trino.query(f"""
        select to_unixtime(min(created))
        from system.runtime.queries
        where query like '%{sc.settings.dbt_schema}_%' and regexp_like(query, '{upkeep}')
          and to_unixtime(created) >= {since}""")[0][0]
    assert first is not None, upkeep
    assert first >= build_end, (first, build_end)


def test_a_purge_started_during_a_build_waits_and_both_succeed(overlap, tmp_path):
    sc = overlap
    rows = {m: sc.count(m) for m in PROTECTED}
    # its first write is a compaction (stedi.privacy.purge)
    _overlap(sc, tmp_path, "(?i)execute optimize", "purge", "--execute")
    # the purge ran after the build: the rows stay, one snapshot per table
    for model in PROTECTED:
        assert sc.count(model) == rows[model], model
        assert sc.query(f'select count(*) from {sc.table(model)[:-1]}$snapshots"')[0][0] == 1


def test_an_erasure_started_during_a_build_waits_and_both_succeed(overlap, tmp_path):
    sc = overlap
    keeps = _rows_of(sc, K)
    assert all(n > 0 for n in _rows_of(sc, F).values())
    # every query of the erasure, its plan's counts first, names the person's
    # id (forget_customer_predicates); no query of the build does
    _overlap(sc, tmp_path, _customer_id(F), "forget", F, "--execute")
    assert all(n == 0 for n in _rows_of(sc, F).values())
    assert _rows_of(sc, K) == keeps
