"""The purge (`stedi purge --execute`, and the end of `stedi forget`): no
earlier state of a table stays readable, in the files or through the catalog.

The SQL part is dbt's (purge_iceberg_history / purge_iceberg_table: compaction,
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

    >>> purge(Settings.from_env())       # dbt's purge, then the old metadata files
"""

from __future__ import annotations

import re

from stedi import dbt_runner, lakehouse, lock, s3
from stedi.settings import Settings
from stedi.trino import TrinoService

# Trino (and Iceberg's Java library) name metadata files <version>-<uuid>.metadata.json.
METADATA_FILE = re.compile(r"(\d+)-[^/]*\.metadata\.json$")


def purge(settings: Settings) -> list[str]:
    """Run dbt's purge of every trusted/curated table, then delete the superseded
    metadata files of every lakehouse table; returns the deleted locations."""
    with lock.hold(settings, "stedi purge"):   # never under a running build
        dbt_runner.run_dbt(["run-operation", "purge_iceberg_history", "--args", "{dry_run: false}"],
                    settings)
        return drop_superseded_metadata(settings)


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
                if old and int(old.group(1)) < int(match.group(1)):
                    client.delete_object(Bucket=bucket, Key=obj["Key"])
                    deleted.append(f"s3://{bucket}/{obj['Key']}")
    return deleted
