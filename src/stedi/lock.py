"""One lock per lakehouse, in its own bucket: builds, loads, purges and
erasures never overlap.

An Iceberg table's upkeep and its rebuild must not overlap: a purge's OPTIMIZE
that commits under a build's CREATE OR REPLACE fails the build ("Metadata
location [...] is not same as table metadata location"), and orphan-file
removal can take a running write's files, not yet committed, for orphans. So
every `stedi` command that writes the lakehouse (`build`, `load`, `purge
--execute`, `forget --execute`, and `stedi dbt build|run|seed|run-operation`)
holds this lock while it runs; a second one waits for it, saying whose it is.

The lock is an object, `_locks/<schema prefix>.json` in the lake's bucket,
created with a conditional write (`If-None-Match: *`): S3 creates it for one
writer only, on AWS as on MinIO
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
Any process that can write the bucket can honour it, whatever engine it drives
(`stedi locked -- <command>` runs any command under it).

What keeps two writers out:
- the holder renews its lease every LEASE/4 with a write conditional on its own
  ETag (`If-Match`); every renewal changes the object (a counter), so its ETag;
- a waiter judges expiry on its own monotonic clock, never on a time written by
  the holder: a lease is dead when the waiter has seen the same ETag for LEASE
  seconds (the holder's lease, if longer). Clocks of different machines need
  not agree. It then takes the lock over with `If-Match` that ETag, so exactly
  one waiter wins it, and a holder that renewed meanwhile keeps it;
- a holder whose renewal fails (the object changed or vanished under it, or S3
  did not answer for LEASE/2) has lost the lock: it stops the commands it runs
  under the lock (SIGTERM, then SIGKILL after GRACE seconds) before a waiter
  can take over, and the `stedi` command fails saying the lock was lost;
- release frees the lock only if it is still the holder's: it overwrites the
  object with a "released" record, `If-Match` the holder's ETag (a waiter takes
  a released lock at once, `If-Match` again). Not a delete: AWS has conditional
  deletes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html),
  but the pinned MinIO ignores `If-Match` on DeleteObject and deletes anyway
  (measured: test_lock.py), so a delete could remove the next holder's lock;
- child processes see the lock as held (STEDI_LOCK_HELD) only when the marker's
  token is the one in the object: a stray variable takes nothing for granted;
- on Athena, a client killed mid-query leaves its query running server-side. A
  lock held for Athena records its workgroup; the waiter that takes over a dead
  holder's lock first stops every query still queued or running in that
  workgroup (StopQueryExecution) and waits until each has ended (stedi.athena.queries).

    >>> with hold(settings, "stedi build"):
    ...     run_the_build()
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from botocore.exceptions import ClientError

from stedi import s3
from stedi.athena import queries
from stedi.errors import StackError
from stedi.settings import Settings

PREFIX = "_locks/"
# A holder renews its lease every LEASE / 4 seconds; a lease whose object a
# waiter saw unchanged for LEASE seconds belongs to a holder that is gone.
LEASE = float(os.environ.get("STEDI_LOCK_LEASE_SECONDS", "120"))
# How long a command waits for the lock before it gives up.
WAIT = float(os.environ.get("STEDI_LOCK_WAIT_SECONDS", "7200"))
# Between SIGTERM and SIGKILL when the lock is lost: it must end before LEASE/2.
GRACE = min(float(os.environ.get("STEDI_LOCK_GRACE_SECONDS", "10")), LEASE / 4)
POLL = min(1.0, LEASE / 8)
# The child processes' marker: "<lock key> <holder's token>".
MARKER = "STEDI_LOCK_HELD"
# The locks this process holds: lock key -> the holding thread; and their leases.
_held: dict[str, int] = {}
_leases: dict[str, Lease] = {}
# The commands run under a lock of this process: stopped when it is lost.
_children: set[subprocess.Popen] = set()
_children_lock = threading.Lock()


def key(settings: Settings) -> str:
    return f"{PREFIX}{settings.dbt_schema}.json"


def _read(settings: Settings, client) -> tuple[dict, str] | None:
    """The lock object's record and ETag (held or released), None when absent."""
    found = s3.get_or_none(client, settings.bucket, key(settings))
    if found is None:
        return None
    body, etag = found
    try:
        record = json.loads(body)
    except ValueError:
        record = {"holder": "unreadable lock"}
    return (record if isinstance(record, dict) else {}), etag


def current(settings: Settings, client=None) -> tuple[dict, str] | None:
    """The lock's record and ETag, or None when nobody holds it."""
    found = _read(settings, client or s3.client(settings))
    return None if found is None or found[0].get("released") else found


@dataclass
class Lease:
    """The lock as its holder holds it."""
    client: object
    bucket: str
    key: str
    holder: str
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    athena: dict | None = None          # {"workgroup": ..., "region": ...} on Athena
    etag: str = ""
    renewals: int = 0
    lost: threading.Event = field(default_factory=threading.Event)
    why: str = ""

    def body(self, released: bool = False) -> bytes:
        record = {"released": True} if released else {}
        record |= {"holder": self.holder, "host": socket.gethostname(), "pid": os.getpid(),
                  "token": self.token, "lease_seconds": LEASE, "renewal": self.renewals,
                  # for people only: no process compares clocks
                  "written_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
        if self.athena:
            record["athena"] = self.athena
        return json.dumps(record).encode()

    def put(self, released: bool = False, **condition) -> None:
        self.etag = self.client.put_object(Bucket=self.bucket, Key=self.key,
                                           Body=self.body(released), **condition)["ETag"]


@dataclass
class _Seen:
    """What a waiter saw: the lock's ETag, since when on its own monotonic clock."""
    etag: str | None = None
    since: float = 0.0


def _try_take(lease: Lease, settings: Settings, seen: _Seen) -> bool:
    """Take the lock if free, or if its lease ran out on our clock."""
    found = _read(settings, lease.client)
    if found is None:
        condition = {"IfNoneMatch": "*"}
    elif found[0].get("released"):
        condition = {"IfMatch": found[1]}     # freed by its holder
    else:
        record, etag = found
        now = time.monotonic()
        if etag != seen.etag:
            seen.etag, seen.since = etag, now
            return False
        if now - seen.since < max(LEASE, float(record.get("lease_seconds") or 0)):
            return False
        if isinstance(record.get("athena"), dict):
            queries.end_all(record["athena"])
        condition = {"IfMatch": etag}          # take over the dead holder's lease
    try:
        lease.put(**condition)
        return True
    except ClientError as error:
        if s3.error_code(error) in s3.CONFLICT:
            return False                       # another writer won it
        raise


def ensure_held() -> None:
    """A StackError if a lock this process holds was lost: start nothing more."""
    for lease in list(_leases.values()):
        if lease.lost.is_set():
            raise StackError(f"the lakehouse lock was lost ({lease.why}); not starting "
                             "another command under it")


def guard(proc: subprocess.Popen) -> subprocess.Popen:
    """Stop `proc` (SIGTERM, then SIGKILL) if this process loses its lock."""
    with _children_lock:
        _children.add(proc)
    if any(lease.lost.is_set() for lease in list(_leases.values())):
        _stop_children()          # lost while it started
    return proc


def unguard(proc: subprocess.Popen) -> None:
    with _children_lock:
        _children.discard(proc)


def _signal(proc: subprocess.Popen, sig: int) -> None:
    """To the child's process group when it leads one (stedi locked), else to it."""
    try:
        if os.getpgid(proc.pid) == proc.pid:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
    except ProcessLookupError:
        pass


def _stop_children() -> None:
    with _children_lock:
        children = [p for p in _children if p.poll() is None]
    for proc in children:
        _signal(proc, signal.SIGTERM)
    deadline = time.monotonic() + GRACE
    for proc in children:
        try:
            proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal(proc, signal.SIGKILL)


def _renew(lease: Lease, stop: threading.Event) -> None:
    """Renew every LEASE/4; on a failed renewal, stop the held commands. A
    renewal that fails to answer is judged by time, not by the S3 client's own
    timeouts and retries (minutes): the lock is lost once no renewal succeeded
    for LEASE/2, well before a waiter may take it over (LEASE)."""
    last = time.monotonic()
    while not stop.wait(LEASE / 4):
        lease.renewals += 1
        outcome: dict = {}

        def attempt(outcome=outcome) -> None:
            try:
                outcome["etag"] = lease.client.put_object(
                    Bucket=lease.bucket, Key=lease.key, Body=lease.body(),
                    IfMatch=lease.etag)["ETag"]
            except Exception as failure:  # noqa: BLE001 - judged below
                outcome["error"] = failure

        call = threading.Thread(target=attempt, name="stedi-lock-renewal", daemon=True)
        call.start()
        call.join(max(0.0, last + LEASE / 2 - time.monotonic()))
        if "etag" in outcome:
            lease.etag, last = outcome["etag"], time.monotonic()
            continue
        error = outcome.get("error")
        if isinstance(error, ClientError) and s3.error_code(error) in s3.CONFLICT + s3.MISSING:
            lease.why = "its object was changed or deleted by another process"
        elif time.monotonic() - last >= LEASE / 2:
            lease.why = (f"it could not be renewed for {LEASE / 2:.0f} s"
                         f" ({error or 'S3 did not answer'})")
        else:
            continue
        lease.lost.set()
        print(f"[stedi] the lakehouse lock was lost: {lease.why}; stopping the command "
              "it guarded", file=sys.stderr)
        _stop_children()
        return


def _marker_token(name: str) -> str | None:
    value = os.environ.get(MARKER, "")
    marker_key, _, token = value.partition(" ")
    return token if marker_key == name and token else None


@contextmanager
def hold(settings: Settings, holder: str, wait: float | None = None,
         client=None, athena: dict | None = None) -> Iterator[Lease | None]:
    """Hold the lakehouse's lock for the block; wait for it (up to `wait` s).
    client: the S3 client (default: the local stack's MinIO); athena: the
    workgroup and region whose queries a taker must end first (lock on AWS).
    Raises StackError after the block if the lock was lost during it."""
    name = key(settings)
    if _held.get(name) == threading.get_ident():
        yield None                   # held already by this thread
        return
    if client is None:
        client = s3.client(settings)
        s3.ensure_bucket(settings)
    token = _marker_token(name)
    if token is not None and name not in _held:
        found = current(settings, client)
        if found is not None and found[0].get("token") == token:
            yield None               # held by the parent process (stedi locked --); it renews
            return
    lease = Lease(client, settings.bucket, name, holder, athena=athena)
    limit = WAIT if wait is None else wait
    deadline, seen, told = time.monotonic() + limit, _Seen(), False
    while not _try_take(lease, settings, seen):
        found = current(settings, client)
        if found and not told:
            record = found[0]
            print(f"[stedi] waiting for the lakehouse lock: {record.get('holder')} "
                  f"(pid {record.get('pid')} on {record.get('host')})", file=sys.stderr)
            told = True
        if time.monotonic() > deadline:
            raise StackError(
                f"the lakehouse is locked by {found[0].get('holder') if found else 'another'}"
                f" command (s3://{settings.bucket}/{name}); it did not end within "
                f"{limit:.0f} s. If no such command is running, the lock is taken over "
                f"{LEASE:.0f} s after its last renewal.")
        time.sleep(POLL)
    stop = threading.Event()
    renewer = threading.Thread(target=_renew, args=(lease, stop), name="stedi-lock",
                               daemon=True)
    renewer.start()
    previous = os.environ.get(MARKER)
    os.environ[MARKER] = f"{name} {lease.token}"      # for child processes
    _held[name] = threading.get_ident()
    _leases[name] = lease
    try:
        yield lease
    except BaseException as error:
        if lease.lost.is_set():
            raise _lost(settings, lease) from error
        raise
    finally:
        stop.set()
        renewer.join()
        del _held[name], _leases[name]
        if previous is None:
            os.environ.pop(MARKER, None)
        else:
            os.environ[MARKER] = previous
        if not lease.lost.is_set():
            _release(lease)
    if lease.lost.is_set():
        raise _lost(settings, lease)


def _lost(settings: Settings, lease: Lease) -> StackError:
    return StackError(f"the lakehouse lock s3://{settings.bucket}/{lease.key} was lost: "
                      f"{lease.why}. The command was stopped; run it again.")


def _release(lease: Lease) -> None:
    """Free the lock if it is still ours: a write conditional on our ETag."""
    try:
        lease.put(released=True, IfMatch=lease.etag)
    except ClientError as error:
        if s3.error_code(error) not in s3.CONFLICT + s3.MISSING:
            raise
        print("[stedi] the lakehouse lock was no longer ours at release; left as it is",
              file=sys.stderr)


def run_locked(settings: Settings, command: list[str], holder: str, client=None,
               athena: dict | None = None) -> int:
    """Run `command` holding the lock (`stedi locked -- CMD`): SIGTERM and
    SIGINT are passed on to it, its exit status is returned (128 + N when a
    signal N ended it, as a shell reports it); the command is stopped and a
    StackError raised if the lock is lost."""
    with hold(settings, holder, client=client, athena=athena):
        proc = guard(subprocess.Popen(command, start_new_session=True))
        handlers = {sig: signal.signal(sig, lambda s, _f: _signal(proc, s))
                    for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            status = proc.wait()
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
            unguard(proc)
    return 128 - status if status < 0 else status


def athena_of_env() -> dict:
    """The workgroup and region a lock held for Athena records (STEDI_ATHENA_WORKGROUP,
    STEDI_AWS_REGION: s3.aws_client checked both are set)."""
    return {"workgroup": os.environ["STEDI_ATHENA_WORKGROUP"],
            "region": os.environ["STEDI_AWS_REGION"]}
