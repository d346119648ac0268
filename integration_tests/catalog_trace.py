"""What the catalog (the Hive Metastore's PostgreSQL database) still holds
about a person after a purge or `stedi forget`.

Two kinds of trace, read from the database itself (pg_dump of every table:
TBLS, TABLE_PARAMS, TAB_COL_STATS, PART_COL_STATS, ...):
- a value that names the person (email, customer_id, name, in any case);
- a location that points at an Iceberg metadata file which still exists and
  lists a snapshot whose files are gone (a state from before a purge: its
  snapshots are the ones the purge expired). Trino writes such a pointer as
  `previous_metadata_location` on every commit; PyIceberg or Spark can load it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess

from stedi import s3
from stedi.settings import METASTORE_DB
from stedi.stack import install

LOCATION = re.compile(r"s3a?://[^\s\t\"']+\.metadata\.json")


def metastore_dump(settings) -> str:
    """Everything the catalog's database holds, as text (pg_dump --data-only)."""
    return subprocess.run(
        [str(install.find_postgres() / "pg_dump"), "--data-only", "-h", settings.metastore_host,
         "-p", str(settings.postgres_port), "-U", settings.metastore_db_user, METASTORE_DB],
        capture_output=True, text=True, check=True,
        env=dict(os.environ, PGPASSWORD=settings.metastore_db_password),
    ).stdout


def _get(client, location: str) -> bytes | None:
    bucket, key = location.split("://", 1)[1].split("/", 1)
    try:
        return client.get_object(Bucket=bucket, Key=key)["Body"].read()
    except client.exceptions.NoSuchKey:
        return None


def _exists(client, location: str) -> bool:
    return _get(client, location) is not None


def schema_folder(prefix: str) -> str:
    """What the location of every table of a lakehouse's schemas (<prefix>_<zone>,
    created without a location) contains: s3://<bucket>/_warehouse/<prefix>_<zone>.db/."""
    return f"/_warehouse/{prefix}_"


def stale_metadata(settings, dump: str, scope: str) -> dict[str, list[int]]:
    """Metadata files the catalog names (those whose location contains `scope`)
    that still exist and list a snapshot whose manifest list is gone:
    {location: [snapshot ids]}."""
    client = s3.client(settings)
    stale = {}
    for location in sorted(set(LOCATION.findall(dump))):
        if scope not in location:
            continue
        body = _get(client, location)
        if body is None:
            continue
        metadata = json.loads(body)
        gone = [snap["snapshot-id"] for snap in metadata.get("snapshots", [])
                if not _exists(client, snap["manifest-list"])]
        if gone:
            stale[location] = gone
    return stale


def catalog_traces(settings, texts: list[str], scope: str) -> dict:
    """{'names': [texts found in the catalog], 'stale_metadata': {...}}; both
    empty when the catalog keeps no trace."""
    dump = metastore_dump(settings)
    assert 'COPY public."TBLS"' in dump  # the dump holds the catalog
    lowered = dump.lower()
    return {"names": [t for t in texts if t.lower() in lowered],
            "stale_metadata": stale_metadata(settings, dump, scope)}
