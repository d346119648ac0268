"""Two pytest workers on one stack: `make test-stack` runs `pytest -n 2`.

Part of a small scenario's build waits on latency (planning, metastore
commits), so two workers end the stack tier sooner than one: 13-24 % sooner,
measured, not twice as fast, since the tier is mostly CPU-bound on two cores
(docs/operations.md). What they share is arranged here (conftest.py calls it):

- each worker's dbt writes target and log folders of its own (dbt's
  DBT_TARGET_PATH and DBT_LOG_PATH), so two builds never overwrite each other's
  manifest or run results;
- a module's tests run on one worker, so its module fixtures build its scenario
  once (xdist's scheduler by scope, the scope being group()); the modules that
  use the reference lakehouse (`loaded`, `built`: one bucket and schema) share
  one worker, and so do test_forget and test_overlap: the overlap builds
  test_forget's people, whom test_forget looks for in every bucket;
- a test marked `alone` (it kills or restarts a server of the stack, or reads
  Trino's list of running queries) runs while the other worker waits between
  two of its tests: a read-write lock on a file, taken exclusive by an `alone`
  test and shared by every other stack test; a waiting `alone` test holds a
  turnstile that stops new shared takers, so it is never starved.

Without xdist (`pytest` alone, `make test`) nothing here changes anything.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

# The modules with a test that uses the reference lakehouse (`loaded`, `built`:
# one bucket and schema, loaded and built once per worker that needs it), or
# that checks nothing else changed it (test_synth): one worker runs them all.
# check_reference_modules() fails the run when a user of it is missing here.
REFERENCE_MODULES = {"test_consumers", "test_docs", "test_faults", "test_lakehouse",
                     "test_load", "test_report", "test_security", "test_stack",
                     "test_synth"}
SHARED_PEOPLE = {"test_forget", "test_overlap"}
# The groups that took longest (2-6 min each in CI), started first so that no
# long one is left for the end, when the other worker has nothing to do; the
# rest follow in collection order. A stale list costs time, never a result.
LONGEST_FIRST = ("reference", "forget", "test_build", "test_purge_files", "test_consent",
                 "test_incremental", "test_daily_slice", "test_deny_on_doubt",
                 "test_forget_heavy")


def worker() -> str | None:
    """This process's xdist worker id (gw0, gw1, ...), None when not under xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER")


def own_dbt_folders() -> None:
    """Point this worker's dbt (and every stedi command it starts) at target and
    log folders of its own, inside the checkout's target/ and logs/."""
    if worker():
        os.environ["DBT_TARGET_PATH"] = f"target/{worker()}"
        os.environ["DBT_LOG_PATH"] = f"logs/{worker()}"


def group(nodeid: str) -> str:
    """The worker group of a test, from its node id (what the scheduler sees):
    "reference", "forget" or its module's name."""
    module = Path(nodeid.split("::", 1)[0]).stem
    return ("reference" if module in REFERENCE_MODULES
            else "forget" if module in SHARED_PEOPLE else module)


def longest_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """The tests in LONGEST_FIRST's order of their groups (each group's tests
    and the others in the order collected): the order the scheduler hands out."""
    def rank(item: pytest.Item) -> int:
        name = group(item.nodeid)
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)
    return sorted(items, key=rank)


def scheduler(config, log):
    """xdist's scheduler by scope, the scope being group(nodeid): each group's
    tests run on one worker, in their order; groups are handed out in the
    order collected (longest_first), not by their number of tests."""
    from xdist.scheduler import LoadScopeScheduling

    config.option.loadscopereorder = False

    class ByGroup(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group(nodeid)

    return ByGroup(config, log)


def check_reference_modules(items: list[pytest.Item]) -> None:
    using = {item.module.__name__ for item in items
             if {"loaded", "built"} & set(item.fixturenames)}
    if using - REFERENCE_MODULES:
        raise pytest.UsageError(
            f"{sorted(using - REFERENCE_MODULES)} use the reference lakehouse: add them "
            "to REFERENCE_MODULES in integration_tests/workers.py (two workers would "
            "load and build it at once)")


@contextmanager
def turn(item: pytest.Item):
    """Hold the stack's lock around one test (its setup, call and teardown,
    which include its module's fixtures): exclusive for an `alone` test."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None or item.get_closest_marker("stack") is None:
        yield
        return
    with stack_lock(Path(tempfile.gettempdir()) / f"stedi-pytest-{run}",
                    alone=item.get_closest_marker("alone") is not None):
        yield


@contextmanager
def stack_lock(base: Path, alone: bool):
    """A read-write lock on the files `base`.lock and `base`.turnstile: shared,
    or exclusive when `alone`. A waiting exclusive taker holds the turnstile,
    which every taker passes first, so no shared taker overtakes it."""
    with open(f"{base}.turnstile", "a") as turnstile, open(f"{base}.lock", "a") as lock:
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        finally:
            fcntl.flock(turnstile, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
