"""The registry of requests to be forgotten, on MinIO: one object
(lakehouse.REGISTRY_KEY, one JSON line per request) that `stedi forget`
appends to with a conditional write (forgotten.record_request).

- two requests: one object holding both, each once;
- a lake of the previous version (one object per request, every version of
  it in a versioned bucket): read as it is, then folded into the one object
  and deleted, every version;
- a request written by another writer between our read and our write (the
  other lakehouse of the bucket, a script) is never lost: our write's
  condition fails, and it reads again.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest

from stedi import lakehouse, s3
from stedi.privacy import forgotten

KEY = lakehouse.REGISTRY_KEY


def _request(name: str) -> dict:
    return {"customer_id": forgotten.customer_id(f"{name}.zq9@example.com"),
            "forgotten_at": "2026-01-01T00:00:00Z", "step_readings": []}


def _line(record: dict) -> bytes:
    return (json.dumps(record) + "\n").encode()


@pytest.fixture()
def registry(stack):
    """A bucket of its own, empty (every version of every object deleted)."""
    settings = replace(stack.settings, bucket="stedi-t-registry")
    s3.ensure_bucket(settings)
    client = s3.client(settings)

    def clear():
        listing = client.list_object_versions(Bucket=settings.bucket)
        for v in [*listing.get("Versions", []), *listing.get("DeleteMarkers", [])]:
            client.delete_object(Bucket=settings.bucket, Key=v["Key"], VersionId=v["VersionId"])

    clear()
    client.put_bucket_versioning(Bucket=settings.bucket,
                                 VersioningConfiguration={"Status": "Suspended"})
    yield settings, client
    clear()


def _body(settings, client) -> bytes:
    return client.get_object(Bucket=settings.bucket, Key=KEY)["Body"].read()


def test_two_requests_are_two_lines_of_one_object(registry):
    settings, client = registry
    a, b = _request("a"), _request("b")
    assert forgotten.record_request(settings, a) is True
    assert forgotten.record_request(settings, b) is True
    assert forgotten.record_request(settings, a) is False       # recorded already
    assert s3.list_keys(settings, lakehouse.REGISTRY_PREFIX) == [KEY]
    assert _body(settings, client) == _line(a) + _line(b)
    assert forgotten.Screen.from_registry(settings).customers == {
        a["customer_id"], b["customer_id"]}


def test_per_request_objects_are_read_then_folded_in_and_deleted(registry):
    settings, client = registry
    client.put_bucket_versioning(Bucket=settings.bucket,
                                 VersioningConfiguration={"Status": "Enabled"})
    a, old, b = _request("a"), _request("old"), _request("b")
    client.put_object(Bucket=settings.bucket, Key=KEY, Body=_line(a))
    legacy = f"{lakehouse.REGISTRY_PREFIX}{old['customer_id']}.json"
    for body in (b"an earlier version\n", _line(old)):   # two versions of it
        client.put_object(Bucket=settings.bucket, Key=legacy, Body=body)
    assert len(client.list_object_versions(Bucket=settings.bucket, Prefix=legacy)["Versions"]) == 2
    # before the fold: the screen reads both layouts
    assert forgotten.Screen.from_registry(settings).customers == {
        a["customer_id"], old["customer_id"]}

    assert forgotten.record_request(settings, b) is True
    assert s3.list_keys(settings, lakehouse.REGISTRY_PREFIX) == [KEY]
    assert _body(settings, client) == _line(a) + _line(old) + _line(b)
    versions = client.list_object_versions(Bucket=settings.bucket, Prefix=legacy)
    assert not versions.get("Versions") and not versions.get("DeleteMarkers"), versions
    # a request that only a legacy object held is not written twice
    client.put_object(Bucket=settings.bucket, Key=legacy, Body=_line(old))
    assert forgotten.record_request(settings, old) is False
    assert _body(settings, client) == _line(a) + _line(old) + _line(b)
    assert s3.list_keys(settings, lakehouse.REGISTRY_PREFIX) == [KEY]


class _Rival:
    """The S3 client, but another writer appends a request to the registry
    right after our first read of it (before our write)."""

    def __init__(self, client, settings, record):
        self._client, self._settings, self._record, self.raced = client, settings, record, 0

    def __getattr__(self, name):
        return getattr(self._client, name)

    def get_object(self, **kwargs):
        if kwargs["Key"] != KEY or self.raced:
            return self._client.get_object(**kwargs)
        try:   # what we read (nothing, when there is no object yet), then the rival writes
            result = self._client.get_object(**kwargs)
            result["Body"] = io.BytesIO(result["Body"].read())
        finally:
            self._append()
        return result

    def _append(self):
        self.raced += 1
        try:
            body = self._client.get_object(Bucket=self._settings.bucket, Key=KEY)["Body"].read()
        except self._client.exceptions.NoSuchKey:
            body = b""
        self._client.put_object(Bucket=self._settings.bucket, Key=KEY,
                                Body=body + _line(self._record))


@pytest.mark.parametrize("exists", [True, False], ids=["append", "create"])
def test_a_request_written_meanwhile_is_never_lost(registry, exists):
    settings, client = registry
    first, rival, ours = _request("first"), _request("rival"), _request("ours")
    if exists:
        client.put_object(Bucket=settings.bucket, Key=KEY, Body=_line(first))
    # else: the rival creates the object after we found none
    racing = _Rival(client, settings, rival)
    assert forgotten.record_request(settings, ours, client=racing) is True
    assert racing.raced == 1
    expected = ([first] if exists else []) + [rival, ours]
    assert _body(settings, client) == b"".join(map(_line, expected))
