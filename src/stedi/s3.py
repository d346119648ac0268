"""A boto3 S3 client for MinIO: the same client code that talks to AWS S3."""

from __future__ import annotations

from stedi.settings import Settings


def client(settings: Settings):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint,
        aws_access_key_id=settings.minio_user,
        aws_secret_access_key=settings.minio_password,
        region_name="us-east-1",
        # boto3 >= 1.36 adds CRC checksums by default; S3-compatible stores
        # only need them when the operation requires one.
        config=Config(
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            s3={"addressing_style": "path"},
        ),
    )


def ensure_bucket(settings: Settings) -> None:
    s3 = client(settings)
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if settings.bucket not in existing:
        s3.create_bucket(Bucket=settings.bucket)


def list_objects(settings: Settings, prefix: str) -> list[dict]:
    """Every object under `prefix` as list_objects_v2 gives it (Key, ETag, Size, ...)."""
    s3 = client(settings)
    objects = []
    for page in s3.get_paginator("list_objects_v2").paginate(
        Bucket=settings.bucket, Prefix=prefix
    ):
        objects += page.get("Contents", [])
    return objects


def list_keys(settings: Settings, prefix: str) -> list[str]:
    return [obj["Key"] for obj in list_objects(settings, prefix)]
