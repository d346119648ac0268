"""The purge check proves the files are gone: it lists each purged table's S3
location and fails, naming the file, on any data or metadata file the table's
current state does not reference; tables failed runs left are dropped with
their files and named.

AWS documents that VACUUM without s3:DeleteObject succeeds and deletes
nothing. The local Trino reaches MinIO as a user of its own, not the root user
(stedi.stack.minio.ensure_trino_user), as Athena reaches S3 as a role: so the
real denied delete narrows that user's policy to deny s3:DeleteObject in the
scenario's table locations (the `purger` fixture; Trino's expiry then fails
rather than "succeeding"), with no restart; the other tests reproduce a delete
that did not happen by its outcome: a file the purge deleted is put back, or a
file no snapshot references is left in a table's data folder before the purge.
"""

from __future__ import annotations

import subprocess
import uuid
from dataclasses import replace

import pytest
from botocore.exceptions import ClientError
from conftest import STEDI
from scenario import Scenario, customer, reading, step
from test_forget import Needles, _clear_requests, needles_in_object

from stedi import dbt_runner, lakehouse, s3
from stedi.errors import StackError
from stedi.privacy import forgotten, purge
from stedi.stack import minio

A = "purge.a.zq5@example.com"
B = "purge.b.zq5@example.com"


def _files(sc) -> None:
    sc.write("customer", "c.json", [customer(A, serial="serial-a-zq5", consent=1_000),
                                    customer(B, serial="serial-b-zq5", consent=1_000)])
    sc.write("accelerometer", "a.json", [reading(A, 5_000 + k) for k in range(3)]
             + [reading(B, 6_000 + k) for k in range(3)])
    sc.write("step_trainer", "s.json", [step("serial-a-zq5", 5_000 + k) for k in range(3)]
             + [step("serial-b-zq5", 6_000 + k) for k in range(3)])


@pytest.fixture(scope="module")
def lake(stack, tmp_path_factory):
    sc = Scenario(stack, "purge_files", tmp_path_factory.mktemp("purge_files"))
    _clear_requests(sc.settings)
    _files(sc)
    sc.load()
    sc.build("--full-refresh")
    yield sc
    sc.drop()
    _clear_requests(sc.settings)


def _location(table_files: list[str]) -> tuple[str, str]:
    """A table's bucket and location (its key prefix), from the files it references."""
    manifest_list = next(p for p in table_files if "/metadata/snap-" in p)
    bucket, key = manifest_list.split("://", 1)[1].split("/", 1)
    return bucket, key.split("/metadata/", 1)[0] + "/"


def _objects(client, table_files: list[str]) -> dict[str, bytes]:
    """Every object under the table's location, by URI, with its bytes."""
    bucket, location = _location(table_files)
    found = {}
    for obj in purge._list(client, bucket, location):
        found[f"s3://{bucket}/{obj['Key']}"] = client.get_object(
            Bucket=bucket, Key=obj["Key"])["Body"].read()
    return found


def _trusted_references(sc) -> list[str]:
    references = purge.file_references(sc.settings)
    return next(paths for table, paths in references.items()
                if table.endswith(".customer_trusted"))


def _sql_purge(sc) -> None:
    sc.dbt("run-operation", "purge_iceberg_history", "--args", "{dry_run: false}")
    purge.drop_superseded_metadata(sc.settings)


def test_a_file_the_purge_did_not_delete_fails_the_check_by_name(lake):
    sc = lake
    client = s3.client(sc.settings)
    sc.query(f"delete from {{customer_trusted}} where customer_id = '{forgotten.customer_id(A)}'")
    before = _objects(client, _trusted_references(sc))
    _sql_purge(sc)
    purge.check_files(sc.settings, locked=True)        # a purge that worked passes
    after = _objects(client, _trusted_references(sc))
    removed = sorted(uri for uri in set(before) - set(after) if "/data/" in uri)
    assert removed, "the purge deleted no data file"

    # The delete "succeeded" but the file is still there.
    kept = removed[0]
    bucket, key = kept.split("://", 1)[1].split("/", 1)
    client.put_object(Bucket=bucket, Key=key, Body=before[kept])
    # The metadata check alone ($snapshots, $files) cannot see it: it passes.
    sc.dbt("run-operation", "check_iceberg_purged")
    with pytest.raises(StackError, match="purge check") as failed:
        purge.check_files(sc.settings, locked=True)
    assert kept in str(failed.value), str(failed.value)
    print(f"\n{failed.value}")

    # Without the lock, a file newer than the table's current metadata is a
    # write in progress (a concurrent build), not a leftover: passed over ...
    purge.check_files(sc.settings, locked=False)
    # ... until a later commit: then it is older than the current state.
    _sql_purge(sc)
    with pytest.raises(StackError, match="purge check") as failed:
        purge.check_files(sc.settings, locked=False)
    assert kept in str(failed.value)
    client.delete_object(Bucket=bucket, Key=key)
    purge.check_files(sc.settings, locked=True)


def _stedi(sc, *args, settings=None) -> subprocess.CompletedProcess:
    """`stedi ARGS` on the scenario's lakehouse; `settings`: reach MinIO with
    their user instead (stedi's own S3 calls: the lock, the file deletes)."""
    env = dbt_runner.dbt_env(sc.settings)
    if settings is not None:
        env.update(MINIO_ROOT_USER=settings.minio_user, MINIO_ROOT_PASSWORD=settings.minio_password)
    return subprocess.run([STEDI, *args], env=env,
                          capture_output=True, text=True, check=False, timeout=1800)


def test_stedi_purge_deletes_and_names_a_file_no_snapshot_references(lake):
    """A file no snapshot references, in a table's data folder before the
    purge (what a full refresh leaves: Trino's expiry deletes only the files of
    expired snapshots that descend from the current one, and its orphan-file
    removal spares files younger than 1 h): `stedi purge --execute`, which
    holds the lock (no write runs), deletes it, names it, and then checks."""
    sc = lake
    client = s3.client(sc.settings)
    referenced = [p for p in _trusted_references(sc) if "/data/" in p]
    bucket, key = referenced[0].split("://", 1)[1].split("/", 1)
    stray = key.rsplit("/", 1)[0] + "/left-by-a-denied-delete.parquet"
    client.put_object(Bucket=bucket, Key=stray,
                      Body=client.get_object(Bucket=bucket, Key=key)["Body"].read())
    proc = _stedi(sc, "purge", "--execute")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"s3://{bucket}/{stray}" in proc.stderr, proc.stderr
    assert not purge._list(client, bucket, stray)


def test_tables_a_failed_run_left_are_dropped_with_their_files(lake):
    sc = lake
    client = s3.client(sc.settings)
    schema = sc.table("customer_trusted").rsplit(".", 1)[0]
    leftovers = [f'{schema}."customer_trusted__dbt_tmp"',
                 f'{schema}."customers_curated__ha"']
    for name in leftovers:
        sc.query(f"create table {name} as select * from {{customer_trusted}}")
    location = sc.query(f'select manifest_list from {leftovers[0][:-1]}$snapshots"')[0][0]
    bucket, key = location.split("://", 1)[1].split("/", 1)
    folder = key.split("/metadata/", 1)[0] + "/"
    assert purge._list(client, bucket, folder)

    proc = _stedi(sc, "purge", "--execute")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for table in ("customer_trusted__dbt_tmp", "customers_curated__ha"):
        assert f".{table} (" in proc.stderr, proc.stderr
    tables = {t for (t,) in sc.query(
        f"select table_name from {schema.rsplit('.', 1)[0]}.information_schema.tables"
        f" where table_schema = '{schema.rsplit('.', 1)[1].strip(chr(34))}'")}
    assert not tables & {"customer_trusted__dbt_tmp", "customers_curated__ha"}, tables
    assert purge._list(client, bucket, folder) == []


def _left_in_locations(client, references: dict[str, list[str]]) -> list[str]:
    """The test's own oracle of what a purge left: every object under each
    table's location that neither its current state nor its newest metadata
    file names."""
    left = []
    for paths in references.values():
        bucket, location = _location(paths)
        keys = [o["Key"] for o in purge._list(client, bucket, location)]
        newest = max((k for k in keys if k.endswith(".metadata.json")),
                     key=lambda k: int(k.rsplit("/", 1)[1].split("-", 1)[0]))
        wanted = {p.split("://", 1)[1].split("/", 1)[1] for p in paths} | {newest}
        left += [f"s3://{bucket}/{k}" for k in keys if k not in wanted]
    return sorted(left)


def _denying_deletes(resource: str) -> dict:
    """Trino's own policy with s3:DeleteObject denied on `resource` (an S3 ARN pattern)."""
    return {**minio.TRINO_POLICY, "Statement": [*minio.TRINO_POLICY["Statement"], {
        "Effect": "Deny", "Action": ["s3:DeleteObject"], "Resource": [resource]}]}


def _as_trino(settings, root):
    """`settings` reaching MinIO as Trino's own user (root's: the stack's settings)."""
    return replace(settings, minio_user=root.trino_s3_user, minio_password=root.trino_s3_secret)


def _trino_policy(stack_bucket: str, schema: str, denied: str | None) -> dict:
    """Trino's policy with s3:DeleteObject denied on the scenario's table files
    (the metastore's s3://<stack bucket>/_warehouse/<schema>_<zone>.db/...)
    that end with `denied` ("": every one; None: Trino's own policy). Other
    scenarios' tables (the other pytest worker's) keep every permission."""
    if denied is None:
        return minio.TRINO_POLICY
    return _denying_deletes(f"arn:aws:s3:::{stack_bucket}/_warehouse/{schema}_*{denied}")


@pytest.fixture
def purger(stack, lake):
    """Trino's MinIO user denied s3:DeleteObject in the scenario's table
    locations (the policy applies at once: no restart); yields (the settings
    stedi's own S3 calls make as that user, a function that sets which deletes
    are denied: _trino_policy). Afterwards, whatever happened, Trino's own
    policy is back."""
    root = stack.settings
    minio.ensure_trino_user(root, _trino_policy(root.bucket, lake.settings.dbt_schema, ""))
    try:
        yield (_as_trino(lake.settings, root),
               lambda denied: minio.ensure_trino_user(
                   root, _trino_policy(root.bucket, lake.settings.dbt_schema, denied)))
    finally:
        minio.ensure_trino_user(root, minio.TRINO_POLICY)


def test_stack_up_leaves_a_narrowed_trino_policy_as_it_is(stack):
    """Trino's MinIO policy narrowed (as an operator narrows an IAM role; as
    `purger` does): `stedi stack up` on the running stack, which `make
    lakehouse` and `stedi athena-check` also run first, keeps it narrowed. (It
    used to set Trino's own policy each time, and so lifted the denied-delete
    test's deny whenever another worker ran one of those commands.) The deny is
    on a prefix no other test writes."""
    root = stack.settings
    key = f"_policy-probe/{uuid.uuid4().hex}.txt"
    narrowed = _denying_deletes(f"arn:aws:s3:::{root.bucket}/_policy-probe/*")
    as_root = s3.client(root)
    as_trino = s3.client(_as_trino(root, root))
    as_root.put_object(Bucket=root.bucket, Key=key, Body=b"probe")
    minio.ensure_trino_user(root, narrowed)
    try:
        proc = subprocess.run([STEDI, "stack", "up"], env=dbt_runner.dbt_env(root),
                              capture_output=True, text=True, check=False, timeout=600)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        with pytest.raises(ClientError) as denied:
            as_trino.delete_object(Bucket=root.bucket, Key=key)
        assert denied.value.response["Error"]["Code"] == "AccessDenied", denied.value.response
        assert as_root.head_object(Bucket=root.bucket, Key=key)
    finally:
        minio.ensure_trino_user(root, minio.TRINO_POLICY)
        as_root.delete_object(Bucket=root.bucket, Key=key)


def test_a_purge_denied_delete_fails_and_names_every_file_left(lake, purger):
    """The purge runs as a MinIO user without s3:DeleteObject (as a role without
    it on AWS, where VACUUM then succeeds and deletes nothing): `stedi purge`
    fails naming every file left and every table not purged, so the erased
    rows (B's, whom no other test erases) are in a named file or a named table;
    `stedi forget B` fails the same way. With Trino's deletes allowed but
    stedi's own denied, the purge and the erasure fail naming the metadata files
    left; with the permission granted, the erasure run again (B is already
    forgotten: no row is left to find, only files) deletes every file of every
    zone and passes, and its check of every zone (which holds the purged
    zones `stedi purge` checks) finds no file left. (No `stedi purge` after
    it: on that clean lake it would prove only what the other tests' purges
    do, its 20-50 s for nothing.)"""
    sc = lake
    as_purger, deny_deletes = purger
    client = s3.client(sc.settings)
    needles = Needles(texts=[B.encode(), forgotten.customer_id(B).encode()], numbers=set())

    def holding_b() -> list[str]:
        files = _objects(client, _trusted_references(sc))
        return sorted(uri for uri, data in files.items() if needles_in_object(uri, data, needles))

    sc.query(f"delete from {{customer_trusted}} where customer_id = '{forgotten.customer_id(B)}'")
    denied = _stedi(sc, "purge", "--execute", settings=as_purger)
    print(f"\nexit {denied.returncode}\n{denied.stderr[-3000:]}")
    assert denied.returncode != 0, denied.stdout + denied.stderr
    named = _left_in_locations(client, purge.file_references(sc.settings))
    survived = holding_b()
    print(f"left: {named}\nwith B's values: {survived}")
    assert named and survived, "the denied deletes left no file"
    for path in named:
        assert path in denied.stderr, (path, denied.stderr)
    # Every file with B's values is named, or is a live file (B's rows masked by
    # a delete file) of a table named as not purged: none is left unnoticed.
    unfinished = [line for line in denied.stderr.splitlines()
                  if "customer_trusted\"" in line and "did not finish" in line]
    assert set(survived) <= set(named) or unfinished, (survived, denied.stderr)

    # `stedi forget B` purges every table it deletes from, landing's too: its
    # failed purge names the files it left in every zone. (Which table it stops
    # at, and so whether check_iceberg_purged, which visits trusted and curated,
    # names one unfinished, depends on the graph's order: not asserted.)
    denied = _stedi(sc, "forget", B, "--execute", settings=as_purger)
    print(f"\nforget: exit {denied.returncode}\n{denied.stderr[-3000:]}")
    assert denied.returncode != 0, denied.stdout + denied.stderr
    named = _left_in_locations(client, purge.file_references(sc.settings, lakehouse.ZONES))
    assert named, "the denied deletes left no file"
    for path in named:
        assert path in denied.stderr, (path, denied.stderr)

    # Trino's deletes allowed, stedi's own of superseded metadata files denied:
    # the SQL finishes, and the check names the metadata files left.
    deny_deletes(".metadata.json")
    for command in (["purge", "--execute"], ["forget", B, "--execute"]):
        denied = _stedi(sc, *command, settings=as_purger)
        assert denied.returncode == 1, (command, denied.stdout + denied.stderr)
        zones = lakehouse.ZONES if command[0] == "forget" else purge.PURGED_ZONES
        named = _left_in_locations(client, purge.file_references(sc.settings, zones))
        assert named and all(path.endswith(".metadata.json") for path in named), named
        for path in named:
            assert path in denied.stderr, (command, path, denied.stderr)

    deny_deletes(None)
    # B is already forgotten: no row or line is left to find, only files; the
    # erasure run again finishes (every zone's files), then the purge passes.
    allowed = _stedi(sc, "forget", B, "--execute", settings=as_purger)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    purge.check_files(sc.settings, lakehouse.ZONES, locked=True)
    assert holding_b() == []
