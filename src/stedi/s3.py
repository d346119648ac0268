"""The S3 clients: the local stack's MinIO, or the production bucket on AWS.

A command works through ONE client, chosen for its target: `client(settings)`
for the local stack, `aws_client()` for AWS (`--aws`), and hands it to every
function that touches the bucket, so nothing of an AWS command reaches the
local stack. boto3 reads the standard AWS variables, including
AWS_ENDPOINT_URL_S3 (the tests' stand-in for AWS is a MinIO of its own).
"""

from __future__ import annotations

import os

from botocore.exceptions import ClientError

from stedi.errors import StackError
from stedi.settings import Settings

# What an AWS command needs besides credentials (the athena target reads the same).
AWS_VARIABLES = {
    "STEDI_AWS_REGION": "the AWS region of Athena, Glue and S3, e.g. eu-west-1",
    "STEDI_ATHENA_WORKGROUP": "an Athena engine v3 workgroup",
    "STEDI_ATHENA_RESULTS": "the query results location, s3://bucket/prefix/",
    "STEDI_BUCKET": "the lake bucket (landing files and table data)",
}
# What S3 (AWS, MinIO) answers a conditional request whose condition failed.
CONFLICT = ("PreconditionFailed", "ConditionalRequestConflict", "412", "409")
# What it answers a request for an object that does not exist.
MISSING = ("NoSuchKey", "404")


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


def missing_aws_settings() -> list[str]:
    """What an AWS command lacks: each unset variable, and credentials, named."""
    import boto3

    missing = [f"{name} ({why})" for name, why in AWS_VARIABLES.items()
               if not os.environ.get(name)]
    region = os.environ.get("STEDI_AWS_REGION") or "us-east-1"
    if boto3.Session(region_name=region).get_credentials() is None:
        missing.append("AWS credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
                       "AWS_SECRET_ACCESS_KEY, or an instance/role)")
    return missing


def aws_client():
    """The production bucket's S3 client: region STEDI_AWS_REGION, the standard
    credential chain; a StackError naming what is missing, before any call."""
    import boto3

    missing = missing_aws_settings()
    if missing:
        raise StackError("--aws needs: " + "; ".join(missing) + " (docs/athena.md)")
    return boto3.Session(region_name=os.environ["STEDI_AWS_REGION"]).client("s3")


def list_objects(settings: Settings, prefix: str, s3=None) -> list[dict]:
    """Every object under `prefix` as list_objects_v2 gives it (Key, ETag, Size, ...);
    s3: the client (default: the local stack's)."""
    s3 = s3 or client(settings)
    objects = []
    for page in s3.get_paginator("list_objects_v2").paginate(
        Bucket=settings.bucket, Prefix=prefix
    ):
        objects += page.get("Contents", [])
    return objects


def list_keys(settings: Settings, prefix: str, s3=None) -> list[str]:
    return [obj["Key"] for obj in list_objects(settings, prefix, s3)]


def error_code(error: ClientError) -> str:
    """The S3 error code of a failed call ("NoSuchKey", "PreconditionFailed", ...)."""
    return error.response.get("Error", {}).get("Code", "")


def get_or_none(client, bucket: str, key: str) -> tuple[bytes, str] | None:
    """The object's bytes and ETag, or None when it does not exist."""
    try:
        obj = client.get_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error_code(error) in MISSING:
            return None
        raise
    return obj["Body"].read(), obj["ETag"]
