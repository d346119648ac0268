"""The lakehouse's lock (src/stedi/lock.py) on a MinIO of the test session's
own (`minio_only`: no Trino needed): one holder at a time, a waiter that gives
up with the holder's name, a dead holder's lease taken over, and never two
writers: a lost lock stops its command, expiry is judged on the waiter's own
clock, `stedi locked` passes signals on, release frees only its own lock, the
children's marker cannot be forged, and on Athena a dead holder's queries end
before the lock is taken over.

The tests run real `stedi locked` processes with a short lease
(STEDI_LOCK_LEASE_SECONDS); the held command is a small Python script that
writes what happens to it into files."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import REPO_ROOT, STEDI

from stedi import dbt_runner, lock, s3
from stedi.errors import StackError

LEASE = 4        # seconds: renewals every 1 s


@pytest.fixture()
def lake(minio_only):
    settings = replace(minio_only, bucket="stedi-t-lock", dbt_schema="t_lock")
    s3.ensure_bucket(settings)
    s3.client(settings).delete_object(Bucket=settings.bucket, Key=lock.key(settings))
    yield settings
    s3.client(settings).delete_object(Bucket=settings.bucket, Key=lock.key(settings))


def env_of(settings, **extra) -> dict[str, str]:
    env = settings.service_env()         # its MinIO's port and credentials, the bucket
    env.pop("STEDI_LOCK_HELD", None)
    env.update(STEDI_SCHEMA=settings.dbt_schema, STEDI_LOCK_LEASE_SECONDS=str(LEASE),
               STEDI_LOCK_GRACE_SECONDS="1", STEDI_LOCK_WAIT_SECONDS="60")
    env.update(extra)
    return env


def held_command(folder: Path, seconds: float, on_term: str = "exit 7") -> list[str]:
    """A command that writes `started` (its pid), sleeps, writes `ended`; on
    SIGTERM/SIGINT it writes the signal's name to `signals`, then
    `on_term`: "exit N", or "ignore" (only SIGKILL ends it)."""
    script = textwrap.dedent(f"""
        import os, signal, sys, time
        folder = {str(folder)!r}
        def got(sig, frame):
            with open(os.path.join(folder, "signals"), "a") as f:
                f.write(signal.Signals(sig).name + "\\n")
            if {on_term!r} != "ignore":
                sys.exit(int({on_term!r}.split()[1]))
        signal.signal(signal.SIGTERM, got)
        signal.signal(signal.SIGINT, got)
        open(os.path.join(folder, "started"), "w").write(str(os.getpid()))
        end = time.monotonic() + {seconds}
        while time.monotonic() < end:
            time.sleep(0.05)
        open(os.path.join(folder, "ended"), "w").write(str(time.time()))
    """)
    return [sys.executable, "-c", script]


def start_locked(settings, command, prefix=(), **env) -> subprocess.Popen:
    return subprocess.Popen([*prefix, STEDI, "locked", "--", *command],
                            env=env_of(settings, **env), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for(path: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(")")[-1].split()[0] != "Z"


def test_one_holder_at_a_time(lake):
    held, release = threading.Event(), threading.Event()

    def first():
        with lock.hold(lake, "first"):
            held.set()
            release.wait(30)

    thread = threading.Thread(target=first)
    thread.start()
    assert held.wait(30)
    try:
        assert lock.current(lake)[0]["holder"] == "first"
        with pytest.raises(StackError, match="locked by first"), lock.hold(lake, "second", wait=2):
            pass
    finally:
        release.set()
        thread.join()
    assert lock.current(lake) is None
    with lock.hold(lake, "second", wait=2):          # free again
        assert lock.current(lake)[0]["holder"] == "second"


def test_a_dead_holders_lease_is_taken_over_after_the_lease_on_the_waiters_clock(lake, tmp_path):
    """A lock nobody renews is taken over once the waiter has seen it unchanged
    for LEASE seconds, whatever times the record holds."""
    s3.client(lake).put_object(Bucket=lake.bucket, Key=lock.key(lake), Body=json.dumps(
        {"holder": "killed", "pid": 1, "expires": time.time() - 1}).encode())
    start = time.monotonic()
    proc = start_locked(lake, held_command(tmp_path, 0))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert time.monotonic() - start >= LEASE, "taken before its lease ran out"
    assert "waiting for the lakehouse lock: killed" in err
    assert lock.current(lake) is None


def test_stedi_locked_holds_it_around_a_command_and_nested_stedi_runs(lake):
    """The command sees the lock held by `stedi locked: ...`; a `stedi locked`
    inside it (the marker carries the holder's token) runs at once."""
    probe = ("import sys; from stedi import lock; from stedi.settings import Settings;"
             "print(lock.current(Settings.from_env())[0]['holder']); sys.exit(3)")
    inner = [STEDI, "locked", "--", sys.executable, "-c", probe]
    proc = subprocess.run([STEDI, "locked", "--", *inner], env=env_of(lake),
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 3, proc.stderr        # the command's own exit code
    assert proc.stdout.strip().startswith("stedi locked: ")
    assert "waiting" not in proc.stderr
    assert lock.current(lake) is None


def test_a_lost_lock_stops_its_command(lake, tmp_path):
    """Another process overwrites the lock object (as a waiter taking it over
    would): the holder's next renewal fails, it stops its command (SIGTERM,
    then SIGKILL: this command ignores SIGTERM) and exits non-zero saying so."""
    proc = start_locked(lake, held_command(tmp_path, 30, on_term="ignore"))
    wait_for(tmp_path / "started")
    pid = int((tmp_path / "started").read_text())
    taken = time.monotonic()
    s3.client(lake).put_object(Bucket=lake.bucket, Key=lock.key(lake),
                               Body=b'{"holder": "another writer"}')
    _, err = proc.communicate(timeout=60)
    stopped = time.monotonic() - taken
    print(f"\nstopped {stopped:.1f} s after the lock was taken; exit {proc.returncode}")
    assert proc.returncode != 0
    assert "lock" in err and "was lost" in err, err
    assert (tmp_path / "signals").read_text().split() == ["SIGTERM"]
    assert not (tmp_path / "ended").exists()
    assert not alive(pid), "the command runs on after SIGKILL"
    assert stopped < LEASE, "a waiter could have taken the lock while it still ran"
    assert lock.current(lake)[0]["holder"] == "another writer"   # left as it is


def test_a_lost_lock_stops_the_dbt_command_it_guards(lake, monkeypatch):
    """run_dbt's dbt command (a fork of stedi's dbt server process, not a child
    of this one) is guarded like `stedi locked`'s: a lost lock stops it (SIGTERM,
    then SIGKILL) and run_dbt fails. Here dbt waits on a Trino that accepts the
    connection and never answers, so only the lock can stop it."""
    monkeypatch.setattr(lock, "LEASE", 2.0)
    silent = socket.create_server(("127.0.0.1", 0))
    silent.settimeout(60)
    settings = replace(lake, trino_port=silent.getsockname()[1])
    failed: list[str] = []

    def debug() -> None:
        try:
            dbt_runner.run_dbt(["debug"], settings, quiet=True)
        except StackError as error:
            failed.append(str(error))

    try:
        with pytest.raises(StackError, match="was lost"), lock.hold(lake, "first"):
            thread = threading.Thread(target=debug)
            thread.start()
            deadline = time.monotonic() + 30
            while not lock._children and time.monotonic() < deadline:
                time.sleep(0.05)
            (dbt,) = lock._children
            asked, _ = silent.accept()     # dbt has asked Trino and waits for the answer
            taken = time.monotonic()
            s3.client(lake).put_object(Bucket=lake.bucket, Key=lock.key(lake),
                                       Body=b'{"holder": "another writer"}')
            thread.join(timeout=30)
            stopped = time.monotonic() - taken
        print(f"\ndbt stopped {stopped:.1f} s after the lock was taken: {failed}")
        assert not thread.is_alive() and failed, "run_dbt ran on under a lost lock"
        assert dbt.returncode is not None and dbt.returncode < 0   # ended by a signal
        assert not alive(dbt.pid)
        assert stopped < 2 * lock.LEASE
        asked.close()
    finally:
        silent.close()


def test_a_holder_cut_off_from_s3_stops_its_command(lake, tmp_path):
    """S3 stops answering (the MinIO process is frozen with SIGSTOP): the
    holder cannot renew, so after LEASE/2 it stops its command, before any
    waiter could take the lock over (LEASE), whatever the S3 client's own
    timeouts (a minute and more)."""
    from stedi.stack.minio import MinioService

    minio = MinioService(lake).pid()
    proc = start_locked(lake, held_command(tmp_path, 30, on_term="exit 7"))
    wait_for(tmp_path / "started")
    frozen = time.monotonic()
    os.kill(minio, signal.SIGSTOP)
    try:
        while proc.poll() is None and time.monotonic() - frozen < 60:
            time.sleep(0.05)
        stopped = time.monotonic() - frozen
    finally:
        os.kill(minio, signal.SIGCONT)
    _, err = proc.communicate(timeout=120)
    print(f"\nstopped {stopped:.1f} s after S3 stopped answering; exit {proc.returncode}")
    assert (tmp_path / "signals").read_text().split() == ["SIGTERM"], err
    assert "could not be renewed" in err and proc.returncode != 0, err
    assert stopped < LEASE, "a waiter could have taken the lock while it still ran"


@pytest.mark.skipif(shutil.which("faketime") is None, reason="needs faketime (apt install faketime)")
def test_a_holder_whose_clock_is_behind_keeps_its_lock(lake, tmp_path):
    """The holder's wall clock is 5 minutes behind the waiter's (libfaketime):
    the waiter runs only after the holder's command ended."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    # only stedi runs skewed (libfaketime's sleep fails in the held Python: EINVAL)
    unskewed = ["env", "-u", "LD_PRELOAD", "-u", "FAKETIME"]
    holder = start_locked(lake, [*unskewed, *held_command(first, 3 * LEASE)],
                          prefix=("faketime", "-f", "-5m"), FAKETIME_DONT_FAKE_MONOTONIC="1")
    wait_for(first / "started")
    found = lock.current(lake)
    assert found is not None, holder.communicate(timeout=60)
    written = found[0].get("written_at", found[0].get("since", ""))  # "since" before the fix
    skew = datetime.now(UTC) - datetime.fromisoformat(written)
    assert skew > timedelta(minutes=4), written                      # faketime took effect
    waiter = start_locked(lake, held_command(second, 0))
    _, holder_err = holder.communicate(timeout=120)
    _, waiter_err = waiter.communicate(timeout=120)
    assert holder.returncode == 0, holder_err
    assert waiter.returncode == 0, waiter_err
    assert (second / "started").stat().st_mtime >= (first / "ended").stat().st_mtime, \
        "the waiter ran while the holder's command still ran"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stedi_locked_passes_signals_on(lake, tmp_path, sig):
    """SIGTERM/SIGINT to `stedi locked` reach the command; stedi exits with the
    command's status and frees the lock."""
    proc = start_locked(lake, held_command(tmp_path, 30, on_term="exit 7"))
    wait_for(tmp_path / "started")
    pid = int((tmp_path / "started").read_text())
    try:
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
        assert (tmp_path / "signals").read_text().split() == [sig.name], err
        assert proc.returncode == 7, err
        assert lock.current(lake) is None
    finally:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_a_stray_marker_takes_nothing(lake, tmp_path):
    """STEDI_LOCK_HELD set by hand (the old form, or a wrong token) does not let
    a process in while another holds the lock."""
    holder = start_locked(lake, held_command(tmp_path, 30))
    wait_for(tmp_path / "started")
    try:
        name = lock.key(lake)
        for marker in (name, f"{name} 0123456789abcdef"):
            proc = subprocess.run(
                [STEDI, "locked", "--", sys.executable, "-c", "print('ran')"],
                env=env_of(lake, STEDI_LOCK_HELD=marker, STEDI_LOCK_WAIT_SECONDS="2"),
                capture_output=True, text=True, check=False, timeout=60)
            assert proc.returncode != 0 and "ran" not in proc.stdout, (marker, proc.stdout)
            assert "locked by stedi locked" in proc.stderr
    finally:
        holder.send_signal(signal.SIGTERM)
        holder.communicate(timeout=30)


def test_release_frees_only_its_own_lock(lake, monkeypatch):
    """A holder whose lock was taken over does not free the new holder's at
    release (and its block fails: the lock was lost)."""
    monkeypatch.setattr(lock, "LEASE", 2.0)
    with pytest.raises(StackError, match="was lost"), lock.hold(lake, "first"):
        s3.client(lake).put_object(Bucket=lake.bucket, Key=lock.key(lake),
                                   Body=b'{"holder": "second", "token": "t2"}')
        time.sleep(2)                      # renewals every 0.5 s: the next one fails
        with pytest.raises(StackError, match="not starting"):   # no dbt under a lost lock
            dbt_runner.run_dbt(["--version"], lake, quiet=True)
    assert lock.current(lake)[0]["holder"] == "second"


def test_minio_ignores_if_match_on_delete(lake):
    """Why release writes a "released" record instead of deleting: the pinned
    MinIO deletes despite a wrong If-Match (AWS would refuse: 412). If this
    fails, MinIO learnt conditional deletes; the release may then delete."""
    client = s3.client(lake)
    client.put_object(Bucket=lake.bucket, Key="t/conditional-delete", Body=b"x")
    client.delete_object(Bucket=lake.bucket, Key="t/conditional-delete", IfMatch='"0123"')
    assert client.list_objects_v2(Bucket=lake.bucket, Prefix="t/conditional-delete")["KeyCount"] == 0


def test_a_dead_athena_holders_queries_end_before_the_takeover(lake, monkeypatch):
    """A dead holder's lock records its Athena workgroup: the taker stops the
    workgroup's queued and running queries and waits until they ended, then
    takes the lock. Athena is not reachable here: its API is botocore's Stubber
    (the calls and their order are what is checked, not Athena)."""
    from botocore.stub import Stubber

    from stedi.athena import queries

    athena = queries.client_for({"region": "eu-west-1"})
    called = []
    athena.meta.events.register("before-parameter-build.athena",
                                lambda model, **_: called.append(model.name))
    now = datetime.now(UTC)
    executions = [{"QueryExecutionId": q, "Status": {"State": state, "SubmissionDateTime": now}}
                  for q, state in (("q-run", "RUNNING"), ("q-done", "SUCCEEDED"),
                                   ("q-queued", "QUEUED"))]
    with Stubber(athena) as stub:
        stub.add_response("list_query_executions", {"QueryExecutionIds": ["q-run", "q-done",
                                                                          "q-queued"]},
                          {"WorkGroup": "stedi-writers", "MaxResults": 50})
        stub.add_response("batch_get_query_execution", {"QueryExecutions": executions},
                          {"QueryExecutionIds": ["q-run", "q-done", "q-queued"]})
        for query in ("q-run", "q-queued"):
            stub.add_response("stop_query_execution", {}, {"QueryExecutionId": query})
        ended = [{**e, "Status": {**e["Status"], "State": "CANCELLED"}}
                 for e in executions if e["QueryExecutionId"] != "q-done"]
        stub.add_response("batch_get_query_execution", {"QueryExecutions": ended},
                          {"QueryExecutionIds": ["q-run", "q-queued"]})
        monkeypatch.setattr(queries, "client_for", lambda _: athena)
        monkeypatch.setattr(lock, "LEASE", 1.0)
        s3.client(lake).put_object(Bucket=lake.bucket, Key=lock.key(lake), Body=json.dumps(
            {"holder": "killed", "athena": {"workgroup": "stedi-writers",
                                            "region": "eu-west-1"}}).encode())
        with lock.hold(lake, "next", wait=30):
            stub.assert_no_pending_responses()
            assert lock.current(lake)[0]["holder"] == "next"
    # each Athena action the takeover needs is the documented operator role's
    docs = (REPO_ROOT / "docs" / "athena.md").read_text()
    granted = set()
    for heading in ("- **Athena:**", "- **Athena (operator role):**"):
        granted |= set(re.findall(r"`(\w+)`", docs.split(heading, 1)[1].split("\n- **", 1)[0]))
    assert set(called) == {"ListQueryExecutions", "BatchGetQueryExecution", "StopQueryExecution"}
    assert set(called) <= granted, set(called) - granted


def test_athena_refusing_the_takeover_is_a_clear_error(monkeypatch):
    """Without credentials (or the actions), the dead holder's queries cannot be
    ended: the lock is not taken over, and the error names the workgroup."""
    from stedi.athena import queries

    for name in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(StackError, match="workgroup stedi-writers .* not taken over"):
        queries.end_all({"workgroup": "stedi-writers", "region": "eu-west-1"})
