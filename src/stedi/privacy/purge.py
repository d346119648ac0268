"""The purge (`stedi purge --execute`, and the end of `stedi forget`): no
earlier state of a table stays readable, in the files or through the catalog.

The SQL part is dbt's (purge_iceberg_history: compaction,
snapshot expiry, orphan files, then the check). What SQL cannot reach: on every
Iceberg commit Trino writes a new metadata file, keeps the old ones, and
records the one it replaced as the table's `previous_metadata_location` in the
metastore. After the expiry that previous file still lists the expired
snapshots, the ones that held the removed rows, and so do the older ones: any
engine that loads it (PyIceberg, Spark, `register_table`) is handed the table
as it was before the purge, and the catalog points at it. Iceberg's own remedy,
`write.metadata.delete-after-commit.enabled`, is refused by Trino 476 ("Illegal
keys in extra_properties"), and would keep the one previous file anyway. So,
deny on doubt: after a purge every metadata file older than the table's current
one is deleted (time travel reads the snapshots of the current file, not the
old files).

And the check must prove the files are gone, not that the metadata no longer
names them: AWS documents that VACUUM without s3:DeleteObject succeeds and
deletes nothing. So after the purge every purged table's S3 location is listed
(check_files) and any data or metadata file its current state does not
reference fails the command, named (check_files). Before that check, under the
lock, the files no table state references that are older than the table's
current state are deleted (drop_unreferenced): Iceberg's expiry leaves the
files of a table replaced by a full refresh. Which files a table references is SQL on
the target's engine (the iceberg_file_references run-operation: $files,
$manifests, $snapshots; Trino, or Athena through dbt-athena); the listing is
this module's, through the S3 client of the same target (s3.client): SQL
cannot list S3. Tables a failed run left behind (`__dbt_tmp`, `__dbt_backup`,
dbt-athena's `__bkp` and `__ha`), which may hold anyone's rows and which no
purge visits, are dropped with their files first (drop_leftovers) and named.

    >>> purge(Settings.from_env())       # dbt's purge, then the old metadata files
"""

from __future__ import annotations

import io
import json
import re
import sys
from contextlib import contextmanager
from datetime import datetime

from botocore.exceptions import ClientError

from stedi import dbt_runner, lakehouse, lock, s3
from stedi.errors import StackError
from stedi.settings import Settings
from stedi.stack.trino import TrinoService

# Trino (and Iceberg's Java library) name metadata files <version>-<uuid>.metadata.json.
METADATA_FILE = re.compile(r"(\d+)-[^/]*\.metadata\.json$")
# What dbt leaves when a run fails between building a table and swapping it in:
# dbt-trino's `<model>__dbt_tmp` / `<model>__dbt_backup`, dbt-athena's
# `<model>__dbt_tmp`, `<model>__bkp` and `<model>__ha` (its high-availability
# table materialization).
LEFTOVER_SUFFIXES = ("__dbt_tmp", "__dbt_backup", "__bkp", "__ha")
PURGED_ZONES = ("trusted", "curated")


def purge(settings: Settings) -> list[str]:
    """Drop the tables failed runs left, run dbt's purge of every trusted/curated
    table, delete the superseded metadata files of every lakehouse table, then
    check that no file the purged tables do not reference is left; returns the
    deleted metadata locations."""
    with lock.hold(settings, "stedi purge"):   # never under a running build
        drop_leftovers(settings)
        with naming_leftovers(settings):
            dbt_runner.run_dbt(["run-operation", "purge_iceberg_history", "--args",
                                "{dry_run: false}"], settings)
        deleted = drop_superseded_metadata(settings)
        drop_unreferenced(settings, PURGED_ZONES)     # and checks that none is left
        return deleted


def _split(location: str) -> tuple[str, str]:
    bucket, key = location.split("://", 1)[1].split("/", 1)
    return bucket, key


def _list(client, bucket: str, prefix: str) -> list[dict]:
    found = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        found += page.get("Contents", [])
    return found


def file_references(settings: Settings, zones=PURGED_ZONES) -> dict[str, list[str]]:
    """{schema.table: every file its current state references}, per built table
    of `zones`, read by SQL on the target's engine (iceberg_file_references)."""
    out = dbt_runner.run_dbt(["--quiet", "run-operation", "iceberg_file_references",
                              "--args", json.dumps({"zones": list(zones)})],
                             settings, quiet=True)
    printed = [line for line in out.splitlines() if line.startswith("{")]
    if not printed:
        raise StackError(f"purge check: iceberg_file_references printed nothing:\n{out[-2000:]}")
    return json.loads(printed[-1])


def unreferenced_files(client, references: dict[str, list[str]],
                       locked: bool) -> dict[str, list[str]]:
    """{schema.table: s3 URIs of the files under its location that its current
    state does not reference}. A table's location is where its manifest lists
    live (<location>/metadata/snap-...). Its current metadata file is the newest
    (every older one is deleted after a purge: drop_superseded_metadata), with
    the statistics files it names. Unless `locked` (the caller holds the
    lakehouse lock, so no write is running), a file newer than the current
    metadata file is a write in progress, not a leftover, and is passed over."""
    leftovers = {}
    for table, paths in sorted(references.items()):
        lists = [p for p in paths if "/metadata/" in p and p.rsplit("/", 1)[1].startswith("snap-")]
        if not lists:
            leftovers[table] = ["(no snapshot: its location is unknown)"]
            continue
        bucket, key = _split(lists[0])
        location = key.split("/metadata/", 1)[0] + "/"
        objects = _list(client, bucket, location)
        versions = [(int(m.group(1)), o) for o in objects
                    if (m := METADATA_FILE.search(o["Key"]))]
        if not versions:
            leftovers[table] = [f"s3://{bucket}/{location} (no metadata file)"]
            continue
        current = max(versions, key=lambda v: v[0])[1]
        metadata = json.loads(client.get_object(Bucket=bucket, Key=current["Key"])["Body"].read())
        stats = [s.get("statistics-path", "") for s in
                 metadata.get("statistics", []) + metadata.get("partition-statistics", [])]
        wanted = {_split(p)[1] for p in [*paths, *stats] if "://" in p} | {current["Key"]}
        cutoff: datetime = current["LastModified"]
        leftovers[table] = [f"s3://{bucket}/{o['Key']}" for o in objects
                            if o["Key"] not in wanted and (locked or o["LastModified"] <= cutoff)]
    return {table: files for table, files in leftovers.items() if files}


def drop_unreferenced(settings: Settings, zones=PURGED_ZONES, client=None) -> list[str]:
    """Delete, in every purged table's location, the files its current state
    does not reference that are older than its current metadata file, then
    check that none is left (check_files); returns (and prints) the deleted.
    Iceberg's expiry deletes only the files of the snapshots it expires that
    descend from the current one: a table replaced by a full refresh (CREATE
    OR REPLACE) keeps the replaced snapshots' files, rows of erased people
    included, as orphans, and remove_orphan_files spares them for an hour (a
    running write's files look the same). The caller holds the lakehouse
    lock, so no write of this lakehouse runs: a file older than the table's
    current state is no write in progress."""
    client = client or s3.client(settings)
    references = file_references(settings, zones)
    deleted = []
    for paths in unreferenced_files(client, references, locked=False).values():
        for path in paths:
            if "://" in path and _delete(client, *_split(path)):
                deleted.append(path)
    if deleted:
        print(f"[stedi] deleted {len(deleted)} file(s) no table state references: "
              + ", ".join(deleted[:10]), file=sys.stderr)
    _fail_on(unreferenced_files(client, references, locked=True))
    return deleted


def check_files(settings: Settings, zones=PURGED_ZONES, locked: bool = False,
                client=None) -> None:
    """Fail, naming each file, when a purged table's S3 location holds a data or
    metadata file its current state does not reference (a delete that did not
    happen: VACUUM without s3:DeleteObject, a failed expiry, a stray copy)."""
    client = client or s3.client(settings)
    _fail_on(unreferenced_files(client, file_references(settings, zones), locked))


@contextmanager
def naming_leftovers(settings: Settings, zones=PURGED_ZONES):
    """Around a purge's SQL (the caller holds the lock): when it fails, its error
    also names the files it left (check_files) and every table whose purge did
    not finish (check_iceberg_purged: its live files may still hold deleted
    rows, masked by a delete file). Trino's expiry fails when S3 denies the
    delete ("Failed to delete files during snapshot expiration"), after
    deleting what it was allowed to, and the purge stops at that table."""
    try:
        yield
    except StackError as failed:
        found = [str(failed)]
        try:
            check_files(settings, zones, locked=True)
        except StackError as left:
            found.append(str(left))
        output = io.StringIO()
        try:
            dbt_runner.run_dbt(["run-operation", "check_iceberg_purged"], settings, log=output)
        except StackError:
            found += [line.strip() for line in output.getvalue().splitlines()
                      if "did not finish" in line]
        raise StackError("\n".join(found)) from None


def _delete(client, bucket: str, key: str) -> bool:
    """Delete one object; False when S3 denies it (no s3:DeleteObject): the
    check that follows names the file, with every other one left."""
    try:
        client.delete_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if s3.error_code(error) != "AccessDenied":
            raise
        return False
    return True


def _fail_on(found: dict[str, list[str]]) -> None:
    if found:
        lines = [f"  {table}: {path}" for table, paths in found.items() for path in paths]
        raise StackError(
            f"purge check: {len(lines)} file(s) in the purged tables' locations are referenced"
            " by no table state, so a purge did not delete them (on AWS: does the role have"
            " s3:DeleteObject on the table locations?):\n" + "\n".join(lines))


def drop_leftovers(settings: Settings, client=None) -> list[str]:
    """Drop every table a failed run left in the lakehouse's schemas (a model's
    name with a LEFTOVER_SUFFIXES suffix) and delete whatever its location
    still holds; returns `schema.table (n files)` for each, also printed."""
    trino = TrinoService(settings)
    client = client or s3.client(settings)
    models = {r.name for r in lakehouse.ALL if r.catalog == lakehouse.MODEL_CATALOG}
    schemas = ", ".join(f"'{settings.dbt_schema}_{zone}'" for zone in lakehouse.ZONES)
    rows = trino.query(
        f"select table_schema, table_name from {lakehouse.MODEL_CATALOG}.information_schema"
        f".tables where table_type = 'BASE TABLE' and table_schema in ({schemas})")
    dropped = []
    for schema, table in sorted(rows):
        if not any(table == model + suffix for model in models for suffix in LEFTOVER_SUFFIXES):
            continue
        name = f'{lakehouse.MODEL_CATALOG}."{schema}"."{table}"'
        location = trino.query(f'select manifest_list from {name[:-1]}$snapshots" limit 1')
        trino.query(f"drop table {name}")
        files = 0
        if location:
            bucket, key = _split(location[0][0])
            for obj in _list(client, bucket, key.split("/metadata/", 1)[0] + "/"):
                client.delete_object(Bucket=bucket, Key=obj["Key"])
                files += 1
        dropped.append(f"{schema}.{table} ({files} file(s) left by the drop, deleted)")
        print(f"[stedi] dropped a table a failed run left: {dropped[-1]}", file=sys.stderr)
    return dropped


def _iceberg_tables(trino: TrinoService, prefix: str) -> list[tuple[str, str]]:
    names = {r.name for r in lakehouse.ALL if r.catalog == lakehouse.MODEL_CATALOG}
    schemas = ", ".join(f"'{prefix}_{zone}'" for zone in lakehouse.ZONES)
    rows = trino.query(
        f"select table_schema, table_name from {lakehouse.MODEL_CATALOG}.information_schema"
        f".tables where table_type = 'BASE TABLE' and table_schema in ({schemas})")
    return sorted((schema, table) for schema, table in rows if table in names)


def current_metadata(trino: TrinoService, schema: str, table: str) -> str:
    """The table's current metadata file (the newest entry of its metadata log)."""
    rows = trino.query(
        f'select file from {lakehouse.MODEL_CATALOG}."{schema}"."{table}$metadata_log_entries"'
        " order by timestamp desc, file desc limit 1")
    return rows[0][0]


def drop_superseded_metadata(settings: Settings) -> list[str]:
    """Delete, for every Iceberg table of the lakehouse, the metadata files of a
    lower version than its current one; returns their locations."""
    trino = TrinoService(settings)
    client = s3.client(settings)
    deleted = []
    for schema, table in _iceberg_tables(trino, settings.dbt_schema):
        current = current_metadata(trino, schema, table)
        match = METADATA_FILE.search(current)
        if match is None:
            raise ValueError(f"{schema}.{table}: unexpected metadata file name {current}")
        bucket, key = current.split("://", 1)[1].split("/", 1)
        folder = key.rsplit("/", 1)[0] + "/"
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                                     Prefix=folder):
            for obj in page.get("Contents", []):
                old = METADATA_FILE.search(obj["Key"])
                if (old and int(old.group(1)) < int(match.group(1))
                        and _delete(client, bucket, obj["Key"])):
                    deleted.append(f"s3://{bucket}/{obj['Key']}")
    return deleted
