"""The two pytest workers' stack lock (workers.stack_lock), with real processes:
an `alone` test waits for the running test to end, and a test asked for after
it waits for it; the reference modules are grouped on one worker."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import workers

HOLDER = """
import sys, time
from pathlib import Path
sys.path.insert(0, {here!r})
import workers
base, alone, name, release = Path(sys.argv[1]), sys.argv[2] == "alone", sys.argv[3], Path(sys.argv[4])
with workers.stack_lock(base, alone=alone):
    with open(base.with_suffix(".order"), "a") as order:
        order.write(name + "\\n")
    while not release.exists():
        time.sleep(0.05)
"""


@pytest.fixture
def holders():
    """The holder processes a test starts: none outlives it, pass or fail."""
    started: list[subprocess.Popen] = []
    yield started
    for proc in started:
        proc.kill()
        proc.wait()


def _take(tmp_path: Path, holders: list, mode: str, name: str) -> tuple[subprocess.Popen, Path]:
    release = tmp_path / f"release-{name}"
    code = HOLDER.format(here=str(Path(__file__).parent))
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "stack"), mode, name,
                             str(release)])
    holders.append(proc)
    return proc, release


def _order(tmp_path: Path) -> list[str]:
    path = tmp_path / "stack.order"
    return path.read_text().split() if path.exists() else []


def _wait_for(tmp_path: Path, names: list[str], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while _order(tmp_path) != names:
        assert time.monotonic() < deadline, (_order(tmp_path), names)
        time.sleep(0.05)


def test_an_alone_test_waits_for_the_running_one_and_nothing_overtakes_it(tmp_path, holders):
    first, release_first = _take(tmp_path, holders, "shared", "first")
    _wait_for(tmp_path, ["first"])
    alone, release_alone = _take(tmp_path, holders, "alone", "alone")
    time.sleep(1)                                   # it is waiting now
    later, release_later = _take(tmp_path, holders, "shared", "later")
    time.sleep(1)
    assert _order(tmp_path) == ["first"]            # neither took it beside `first`
    release_first.touch()
    _wait_for(tmp_path, ["first", "alone"])
    time.sleep(1)
    assert _order(tmp_path) == ["first", "alone"]   # `later` waits for `alone`
    release_alone.touch()
    _wait_for(tmp_path, ["first", "alone", "later"])
    release_later.touch()
    for proc in (first, alone, later):
        assert proc.wait(timeout=20) == 0


def test_two_shared_takers_hold_it_at_once(tmp_path, holders):
    one, release_one = _take(tmp_path, holders, "shared", "one")
    _wait_for(tmp_path, ["one"])
    two, release_two = _take(tmp_path, holders, "shared", "two")
    _wait_for(tmp_path, ["one", "two"])                # while `one` holds it
    release_one.touch()
    release_two.touch()
    assert one.wait(timeout=20) == 0 and two.wait(timeout=20) == 0


def test_the_groups_keep_the_reference_and_test_forgets_people_on_one_worker():
    assert workers.group("integration_tests/test_lakehouse.py::test_x") == "reference"
    assert workers.group("integration_tests/test_faults.py::test_y") == "reference"
    assert workers.group("integration_tests/test_overlap.py::test_z") == "forget"
    assert workers.group("integration_tests/test_forget.py::test_z[a]") == "forget"
    assert workers.group("integration_tests/test_consent.py::test_w") == "test_consent"
    assert workers.group("integration_tests/test_synth.py::test_v") == "reference"
