"""The purge check proves the files are gone: it lists each purged table's S3
location and fails, naming the file, on any data or metadata file the table's
current state does not reference; tables failed runs left are dropped with
their files and named.

AWS documents that VACUUM without s3:DeleteObject succeeds and deletes
nothing. The local Trino reaches MinIO as its root user (stack/trino/etc/
catalog/iceberg.properties), which no MinIO policy can restrict, so a denied
delete is reproduced by its outcome: a file the purge deleted is put back, as
if the delete had not happened, or a file no snapshot references is left in
a table's data folder before the purge (what an expiry that deleted nothing
leaves).
"""

from __future__ import annotations

import subprocess

import pytest
from conftest import STEDI
from scenario import Scenario, customer, reading, step
from test_forget import _clear_requests

from stedi import dbt_runner, s3
from stedi.errors import StackError
from stedi.privacy import forgotten, purge

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


def _objects(client, table_files: list[str]) -> dict[str, bytes]:
    """Every object under the table's location, by URI, with its bytes."""
    bucket, key = table_files[0].split("://", 1)[1].split("/", 1)
    location = key.split("/metadata/", 1)[0] + "/"
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


def _stedi(sc, *args) -> subprocess.CompletedProcess:
    return subprocess.run([STEDI, *args], env=dbt_runner.dbt_env(sc.settings),
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
