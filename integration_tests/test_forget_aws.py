"""`stedi forget EMAIL --aws --execute`: the erasure against the production
bucket and Athena, every S3 call through the one client of the target.

What runs here: the S3 half, against a second MinIO standing in for AWS S3
(`aws_minio`: its own port and credentials, reached through the standard AWS
variables, AWS_ENDPOINT_URL_S3 included) while the local MinIO is down (its
port answers nothing, so any call that went there would fail): the lock, the
registry line, the screen and the rewritten landing objects land there.
What cannot run here: Athena. The dbt steps' invocation (`--target athena`,
parsed by dbt's own command line) and the documented steps are checked offline;
the Athena API calls of a lock takeover are checked in test_lock.py.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
from dataclasses import replace

import boto3
import pytest
from conftest import REPO_ROOT, STEDI, free_port
from scenario import customer, reading, step

from stedi import lakehouse, lock, s3
from stedi.privacy import forget, forgotten
from stedi.settings import Settings

F = "forget.me.aws7@example.com"
K = "keeps.data.aws7@example.com"
SERIAL = "serial-aws7"
F_MS, K_MS = 7_770_001_111, 8_880_002_222
DOCS = REPO_ROOT / "docs" / "athena.md"

# Each S3 API operation -> the IAM action it needs (AWS: "Required permissions
# for Amazon S3 API operations",
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html;
# HeadObject needs s3:GetObject, ListObjectsV2 s3:ListBucket, a DeleteObject
# of a version s3:DeleteObjectVersion).
S3_ACTIONS = {
    "GetObject": "s3:GetObject", "HeadObject": "s3:GetObject", "PutObject": "s3:PutObject",
    "ListObjectsV2": "s3:ListBucket", "ListObjectVersions": "s3:ListBucketVersions",
    "GetBucketVersioning": "s3:GetBucketVersioning", "DeleteObject": "s3:DeleteObject",
}


def _action(operation: str, params: dict) -> str:
    if operation == "DeleteObject" and params.get("VersionId"):
        return "s3:DeleteObjectVersion"
    return S3_ACTIONS[operation]


def _lines(*docs) -> bytes:
    return b"".join((json.dumps(d) if isinstance(d, dict) else d).encode() + b"\n" for d in docs)


LANDING = {
    "customer/landing/customer-1.json": _lines(
        customer(F, serial=SERIAL, consent=1_000), customer(K, serial=SERIAL, consent=1_000)),
    "accelerometer/landing/accelerometer-1.json.gz": _lines(
        reading(F, F_MS), reading(K, K_MS)),
    "step_trainer/landing/step_trainer-1.json": _lines(step(SERIAL, F_MS), step(SERIAL, K_MS)),
}
KEPT = {
    "customer/landing/customer-1.json": _lines(customer(K, serial=SERIAL, consent=1_000)),
    "accelerometer/landing/accelerometer-1.json.gz": _lines(reading(K, K_MS)),
    "step_trainer/landing/step_trainer-1.json": _lines(step(SERIAL, K_MS)),
}
LEGACY = json.dumps({"customer_id": forgotten.customer_id("old.request.aws7@example.com"),
                     "forgotten_at": "2025-01-01T00:00:00Z", "step_readings": []}) + "\n"


@pytest.fixture()
def aws(aws_minio, settings, monkeypatch):
    """The AWS environment of the process (the stand-in's), the local MinIO
    down, and a direct client of the stand-in for the test's own checks."""
    own, env = aws_minio
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    direct = boto3.client("s3", endpoint_url=own.s3_endpoint, region_name="eu-west-1",
                          aws_access_key_id=own.minio_user,
                          aws_secret_access_key=own.minio_password)
    local_down = replace(settings, minio_port=free_port(), bucket=env["STEDI_BUCKET"],
                         dbt_schema="t_aws")
    return local_down, direct, env


def _fresh_bucket(direct, settings, versioned: bool):
    """The lake bucket, emptied and loaded with LANDING and a legacy request:
    one bucket per kind (a versioned bucket cannot become unversioned again).
    Returns the settings naming it."""
    settings = replace(settings, bucket=settings.bucket + ("-versioned" if versioned else ""))
    bucket = settings.bucket
    if bucket in {b["Name"] for b in direct.list_buckets()["Buckets"]}:
        for page in direct.get_paginator("list_object_versions").paginate(Bucket=bucket):
            for v in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                direct.delete_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])
    else:
        direct.create_bucket(Bucket=bucket)
    if versioned:
        direct.put_bucket_versioning(Bucket=bucket,
                                     VersioningConfiguration={"Status": "Enabled"})
    for key, body in LANDING.items():
        data = gzip.compress(body, mtime=0) if key.endswith(".gz") else body
        direct.put_object(Bucket=bucket, Key=key, Body=data, Metadata={"source-sha256": "ab"})
    direct.put_object(Bucket=bucket, Key=f"{lakehouse.REGISTRY_PREFIX}old-request.json",
                      Body=LEGACY.encode())
    return settings


def _plan() -> forget.Plan:
    return forget.Plan(customer_id=forgotten.customer_id(F), already_forgotten=False,
                       step_readings=[(SERIAL, F_MS)])


def _erase_on_aws(settings) -> tuple[forget.Plan, list[tuple[str, dict]]]:
    """The S3 half of `stedi forget --aws --execute` (cli.cmd_forget, forget.execute):
    the target's client, the lock on it, the plan's objects, the registry and
    the rewrite; returns the plan and every S3 call made."""
    calls = []
    target = forget.Target.aws()
    target.client.meta.events.register(
        "before-parameter-build.s3", lambda model, params, **_: calls.append((model.name, params)))
    plan = _plan()
    with lock.hold(settings, "stedi forget", client=target.client, athena=target.athena):
        plan.already_forgotten = plan.customer_id in forgotten.Screen.from_registry(
            settings, target.client).customers
        plan.objects = forget.landing_objects(settings, forget._screen(plan), target.client)
        forget.erase_files(settings, plan, target.client)
    return plan, calls


@pytest.mark.parametrize("versioned", [False, True], ids=["unversioned", "versioned"])
def test_the_s3_half_lands_on_aws_and_nothing_reaches_the_local_stack(aws, versioned):
    settings, direct, env = aws
    settings = _fresh_bucket(direct, settings, versioned)
    bucket = settings.bucket
    plan, calls = _erase_on_aws(settings)
    assert set(plan.objects) == set(LANDING)          # each object held one of F's lines
    # the registry: one object, F's request (hash and reading hash, no email) and the legacy one
    registry = direct.get_object(Bucket=bucket, Key=lakehouse.REGISTRY_KEY)["Body"].read()
    requests = forgotten.requests_of(registry)
    assert set(requests.values()) == {forgotten.customer_id(F), json.loads(LEGACY)["customer_id"]}
    assert F.encode() not in registry
    line = next(ln for ln, cid in requests.items() if cid == forgotten.customer_id(F))
    assert json.loads(line)["step_readings"] == [forgotten.step_reading_id(SERIAL, F_MS)]
    keys = [o["Key"] for o in direct.list_objects_v2(Bucket=bucket, Prefix="privacy/")
            .get("Contents", [])]
    assert keys == [lakehouse.REGISTRY_KEY]           # the legacy object folded in, deleted
    # the screen reads it back through the AWS client
    screen = forgotten.Screen.from_registry(settings, s3.aws_client())
    assert forgotten.customer_id(F) in screen.customers
    assert forgotten.step_reading_id(SERIAL, F_MS) in screen.step_readings
    # the landing objects: F's lines gone, K's byte for byte, the loader's metadata kept
    for key, kept in KEPT.items():
        obj = direct.get_object(Bucket=bucket, Key=key)
        body = obj["Body"].read()
        assert (gzip.decompress(body) if key.endswith(".gz") else body) == kept, key
        assert obj["Metadata"] == {"source-sha256": "ab"}
        if versioned:   # no older version holds F's lines
            versions = direct.list_object_versions(Bucket=bucket, Prefix=key)
            assert [v["IsLatest"] for v in versions.get("Versions", [])] == [True], key
    # the lock was taken and freed there
    record = json.loads(direct.get_object(Bucket=bucket, Key="_locks/t_aws.json")["Body"].read())
    assert record["released"] is True and record["athena"]["workgroup"] == env[
        "STEDI_ATHENA_WORKGROUP"]
    assert all(params.get("Bucket") == bucket for _, params in calls)
    print(f"\n{len(calls)} S3 calls, all to the AWS stand-in: "
          f"{sorted({name for name, _ in calls})}")


def _operator_s3_actions() -> set[str]:
    """The S3 actions the documented operator role holds on the lake bucket."""
    text = DOCS.read_text()
    part = text.split("- **S3 (operator role), lake bucket:**", 1)[1].split("\n- **", 1)[0]
    return set(re.findall(r"`(s3:\w+)`", part))


def test_the_operator_role_holds_exactly_the_s3_actions_the_erasure_needs(aws):
    """Every S3 call of the AWS erasure (both bucket kinds: a versioned bucket
    deletes old versions) maps to an action of the documented operator role,
    and the role holds no other S3 action on the lake bucket; s3:ListBucket
    besides (S3 answers 403, not 404, for an absent key without it: the lock
    and the registry must see absent objects)."""
    settings, direct, _ = aws
    needed = {"s3:ListBucket"}
    for versioned in (False, True):
        _, calls = _erase_on_aws(_fresh_bucket(direct, settings, versioned))
        needed |= {_action(name, params) for name, params in calls}
    assert needed == _operator_s3_actions(), (sorted(needed), sorted(_operator_s3_actions()))


def _cli(env: dict, *args) -> subprocess.CompletedProcess:
    return subprocess.run([STEDI, *args], env=env, capture_output=True, text=True,
                          check=False, timeout=120)


@pytest.mark.parametrize("missing", ["STEDI_AWS_REGION", "credentials"])
def test_no_region_or_no_credentials_is_one_line_naming_it_and_writes_nothing(aws, missing):
    settings, direct, env = aws
    settings = _fresh_bucket(direct, settings, versioned=False)
    before = {o["Key"]: o["ETag"] for o in direct.list_objects_v2(
        Bucket=settings.bucket).get("Contents", [])}
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    run_env |= env | {"STEDI_MINIO_PORT": str(settings.minio_port)}
    if missing == "credentials":
        del run_env["AWS_ACCESS_KEY_ID"], run_env["AWS_SECRET_ACCESS_KEY"]
        named = "AWS credentials"
    else:
        del run_env[missing]
        named = missing
    for args in (["forget", F, "--aws", "--execute"], ["locked", "--aws", "--", "true"]):
        proc = _cli(run_env, *args)
        assert proc.returncode == 1, proc.stderr
        errors = proc.stderr.strip().splitlines()
        assert len(errors) == 1 and named in errors[0], proc.stderr
    after = {o["Key"]: o["ETag"] for o in direct.list_objects_v2(
        Bucket=settings.bucket).get("Contents", [])}
    assert after == before


def test_the_aws_client_uses_stedi_aws_region(monkeypatch):
    monkeypatch.setenv("STEDI_AWS_REGION", "ap-southeast-2")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    monkeypatch.setenv("AWS_REGION", "us-west-2")
    for name in ("STEDI_ATHENA_WORKGROUP", "STEDI_ATHENA_RESULTS", "STEDI_BUCKET"):
        monkeypatch.setenv(name, "x")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "k")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    assert s3.aws_client().meta.region_name == "ap-southeast-2"


def test_the_athena_steps_run_dbt_with_the_athena_target_as_documented(monkeypatch):
    """Offline: every dbt command the AWS erasure runs (the plan's row count,
    the typed tables' run, forget_customer) carries `--target athena` and
    parses with dbt's own command line; the two that erase are the Athena
    erasure steps of docs/athena.md (the same command and macro)."""
    import click
    from dbt.cli.main import cli
    from test_athena_statements import _documented_athena_dbt_commands, _what

    from stedi import dbt_runner

    ran = []
    monkeypatch.setattr(dbt_runner, "run_dbt", lambda args, *a, **k: ran.append(args) or
                        '{"customer_trusted": 1}')
    target = forget.Target("athena", client=None, query=None,
                           dbt_args=("--target", "athena"))
    plan = _plan()
    forget._count_rows(None, plan.customer_id, target)
    forget.erase_rows(None, plan, target)
    assert len(ran) == 3, ran
    monkeypatch.setenv("DBT_PROFILES_DIR", str(REPO_ROOT))
    monkeypatch.chdir(REPO_ROOT)
    for args in ran:
        args = [a for a in args if a != "--quiet"]
        assert args[-2:] == ["--target", "athena"], args
        cli.commands[args[0]].make_context(args[0], args[1:])   # raises on a bad flag
        assert not isinstance(cli.commands[args[0]], click.Group)
    documented = {_what(words) for words in _documented_athena_dbt_commands()}
    erasing = {_what(["dbt", *step]) for step in forget.dbt_steps(plan, target)}
    sent = []
    athena = replace(target, query=lambda sql: sent.append(sql) or [(SERIAL, F_MS)])
    settings = replace(Settings.from_env(), dbt_schema="stedi")
    assert forget._step_readings(athena, settings, plan.customer_id) == [(SERIAL, F_MS)]
    assert sent == [('select distinct serial_number, sensor_reading_epoch_ms from '
                    f'"stedi_trusted"."step_trainer_trusted" where customer_id = '
                    f"'{plan.customer_id}'")]             # Athena's SELECT, a Glue table
    assert erasing == {"run", "forget_customer"} and erasing <= documented
