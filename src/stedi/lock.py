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
(`stedi locked -- <command>` runs any command under it). The holder renews its
lease every LEASE/4 with a write conditional on its own ETag (`If-Match`); a
lock whose lease has run out (its holder was killed) is taken over the same
way, so exactly one waiter wins it.

    >>> with hold(settings, "stedi build"):
    ...     run_the_build()
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from botocore.exceptions import ClientError

from stedi import s3
from stedi.errors import StackError
from stedi.settings import Settings

PREFIX = "_locks/"
# A holder renews its lease every LEASE / 4 seconds; a lease older than LEASE
# belongs to a holder that is gone.
LEASE = float(os.environ.get("STEDI_LOCK_LEASE_SECONDS", "120"))
# How long a command waits for the lock before it gives up.
WAIT = float(os.environ.get("STEDI_LOCK_WAIT_SECONDS", "7200"))
POLL = 1.0


def key(settings: Settings) -> str:
    return f"{PREFIX}{settings.dbt_schema}.json"


def _body(holder: str) -> bytes:
    now = time.time()
    return json.dumps({"holder": holder, "host": socket.gethostname(), "pid": os.getpid(),
                       "since": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "expires": now + LEASE}).encode()


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


def aws_client():
    """AWS S3 with the default credential chain (`stedi locked --aws`: the
    production bucket, for commands that drive Athena)."""
    import boto3

    return boto3.client("s3")


def current(settings: Settings, client=None) -> tuple[dict, str] | None:
    """The lock's record and ETag, or None when nobody holds it."""
    client = client or s3.client(settings)
    try:
        obj = client.get_object(Bucket=settings.bucket, Key=key(settings))
    except ClientError as error:
        if _code(error) in ("NoSuchKey", "404"):
            return None
        raise
    try:
        record = json.loads(obj["Body"].read())
    except ValueError:
        record = {"holder": "unreadable lock", "expires": 0}
    return record, obj["ETag"]


def _try_take(client, settings: Settings, holder: str) -> str | None:
    """Take the lock if free or expired; returns our ETag, or None."""
    found = current(settings, client)
    condition = {"IfNoneMatch": "*"}
    if found is not None:
        record, etag = found
        if float(record.get("expires", 0)) > time.time():
            return None
        condition = {"IfMatch": etag}          # take over an expired lease
    try:
        return client.put_object(Bucket=settings.bucket, Key=key(settings),
                                 Body=_body(holder), **condition)["ETag"]
    except ClientError as error:
        if _code(error) in ("PreconditionFailed", "ConditionalRequestConflict", "412", "409"):
            return None                        # another writer won it
        raise


@contextmanager
def hold(settings: Settings, holder: str, wait: float | None = None,
         client=None) -> Iterator[None]:
    """Hold the lakehouse's lock for the block; wait for it (up to `wait` s).
    client: the S3 client (default: the local stack's MinIO)."""
    if os.environ.get("STEDI_LOCK_HELD") == key(settings):
        yield                                  # a child of the holder (stedi locked --)
        return
    if client is None:
        client = s3.client(settings)
        s3.ensure_bucket(settings)
    deadline = time.monotonic() + (WAIT if wait is None else wait)
    told = False
    while (etag := _try_take(client, settings, holder)) is None:
        found = current(settings, client)
        if found and not told:
            record = found[0]
            print(f"[stedi] waiting for the lakehouse lock: {record.get('holder')} "
                  f"(pid {record.get('pid')} on {record.get('host')}, since "
                  f"{record.get('since')})", file=sys.stderr)
            told = True
        if time.monotonic() > deadline:
            raise StackError(
                f"the lakehouse is locked by {found[0].get('holder') if found else 'another'}"
                f" command (s3://{settings.bucket}/{key(settings)}); it did not end within "
                f"{WAIT if wait is None else wait:.0f} s. If no such command is running, the "
                f"lock expires {LEASE:.0f} s after its last renewal.")
        time.sleep(POLL)
    state = {"etag": etag}
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(LEASE / 4):
            try:
                state["etag"] = client.put_object(
                    Bucket=settings.bucket, Key=key(settings), Body=_body(holder),
                    IfMatch=state["etag"])["ETag"]
            except ClientError:
                return                         # lost it: the command finishes, release is a no-op

    renewer = threading.Thread(target=renew, name="stedi-lock", daemon=True)
    renewer.start()
    previous = os.environ.get("STEDI_LOCK_HELD")
    os.environ["STEDI_LOCK_HELD"] = key(settings)
    try:
        yield
    finally:
        stop.set()
        renewer.join()
        if previous is None:
            os.environ.pop("STEDI_LOCK_HELD", None)
        found = current(settings, client)
        if found is not None and found[1] == state["etag"]:
            client.delete_object(Bucket=settings.bucket, Key=key(settings))
