"""Loading landing folders into MinIO: layout, replace semantics, errors."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from stedi import lakehouse, lock, s3
from stedi.errors import StackError
from stedi.landing import load


def test_load_uploads_every_file_under_its_landing_prefix(loaded, settings, reference_data):
    for entity in lakehouse.ENTITIES:
        local = sorted(p.name for p in (reference_data / entity / "landing").glob("*.json"))
        keys = s3.list_keys(settings, f"{entity}/landing/")
        assert sorted(k.rsplit("/", 1)[1] for k in keys) == local


def test_loading_again_replaces_and_never_duplicates(loaded, settings, reference_data, tmp_path):
    bucket_settings = replace(settings, bucket="stedi-load-test")
    load.load_landing(bucket_settings, reference_data)
    # every object but the lock's record (a load takes the lock; its release
    # rewrites the record, conditionally on its own ETag)
    first = sorted(k for k in s3.list_keys(bucket_settings, "")
                   if not k.startswith(lock.PREFIX))
    client = s3.client(bucket_settings)
    modified = {k: client.head_object(Bucket=bucket_settings.bucket, Key=k)["LastModified"]
                for k in first}
    load.load_landing(bucket_settings, reference_data)
    assert sorted(k for k in s3.list_keys(bucket_settings, "")
                  if not k.startswith(lock.PREFIX)) == first
    # Unchanged files are not uploaded again: their modified times (what the
    # incremental models compare) stay.
    assert {k: client.head_object(Bucket=bucket_settings.bucket, Key=k)["LastModified"]
            for k in first} == modified
    # A folder with fewer files: the missing ones disappear from the prefix.
    smaller = tmp_path / "smaller"
    shutil.copytree(reference_data / "customer", smaller / "customer")
    accel = smaller / "accelerometer" / "landing"
    accel.mkdir(parents=True)
    one = min((reference_data / "accelerometer" / "landing").glob("*.json"))
    shutil.copy(one, accel)
    load.load_landing(bucket_settings, smaller)
    assert s3.list_keys(bucket_settings, "accelerometer/landing/") == [
        f"accelerometer/landing/{one.name}"
    ]
    assert s3.list_keys(bucket_settings, "step_trainer/landing/") == []
    # A changed file (same name, new content) is uploaded again.
    changed = next((smaller / "customer" / "landing").glob("*.json"))
    changed.write_bytes(changed.read_bytes() + b'{"email": "late@example.com"}\n')
    load.load_landing(bucket_settings, smaller)
    key = f"customer/landing/{changed.name}"
    body = client.get_object(Bucket=bucket_settings.bucket, Key=key)["Body"].read()
    assert body == changed.read_bytes()


def test_loading_a_folder_without_landing_files_is_an_error(settings, tmp_path):
    with pytest.raises(StackError, match="holds no landing files"):
        load.load_landing(settings, tmp_path)
    with pytest.raises(StackError, match="does not exist"):
        load.load_landing(settings, tmp_path / "missing")
