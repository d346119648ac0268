"""The lakehouse's lock (src/stedi/lock.py) on the stack's MinIO: one holder at
a time, a waiter that gives up with the holder's name, a dead holder's lease
taken over, and `stedi locked -- CMD` holding it around any command."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from dataclasses import replace

import pytest
from conftest import STEDI

from stedi import dbt_runner, lock, s3
from stedi.errors import StackError


@pytest.fixture()
def lake(stack):
    settings = replace(stack.settings, bucket="stedi-t-lock", dbt_schema="t_lock")
    s3.ensure_bucket(settings)
    yield settings
    s3.client(settings).delete_object(Bucket=settings.bucket, Key=lock.key(settings))


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


def test_a_dead_holders_lease_is_taken_over(lake):
    s3.client(lake).put_object(Bucket=lake.bucket, Key=lock.key(lake), Body=json.dumps(
        {"holder": "killed", "pid": 1, "expires": time.time() - 1}).encode())
    with lock.hold(lake, "next", wait=5):
        assert lock.current(lake)[0]["holder"] == "next"
    assert lock.current(lake) is None


def test_stedi_locked_holds_it_around_a_command(lake):
    env = dict(dbt_runner.dbt_env(lake))
    probe = ("import sys; from stedi import lock; from stedi.settings import Settings;"
             "print(lock.current(Settings.from_env())[0]['holder']); sys.exit(3)")
    proc = subprocess.run([STEDI, "locked", "--", sys.executable, "-c", probe], env=env,
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 3, proc.stderr        # the command's own exit code
    assert proc.stdout.strip().startswith("stedi locked: ")
    assert lock.current(lake) is None
