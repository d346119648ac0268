"""Security: no secret is committed, .env is ignored, and the consent gate and
PII markings hold over the whole model graph (read from the manifest)."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from conftest import REPO_ROOT

from stedi import lakehouse

# Values that look like secrets but are documented local-development defaults.
DEV_DEFAULTS = {"stedi-dev-secret", "minioadmin"}
SECRET_PATTERNS = [
    re.compile(r"AKIA[0-9A-Z]{16}"),                                   # AWS access key id
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"(?i)aws_secret_access_key\s*[=:]\s*['\"]?([A-Za-z0-9/+]{40})"),
    # a quoted literal given to a password/secret/token key
    re.compile(r"(?i)(?:password|secret|token)\w*['\"]?\s*[=:]\s*['\"]([^\s'\"$\{]{8,})['\"]"),
    # an env-style assignment: MINIO_ROOT_PASSWORD=value (not ${...} or $VAR)
    re.compile(r"(?m)^\s*(?:export\s+)?[A-Z_]*(?:PASSWORD|SECRET|TOKEN)[A-Z_]*\s*=\s*([^\s'\"$]{8,})"),
]
# This file holds planted samples on purpose (the scanner's own test).
SCANNER_SAMPLES = "integration_tests/test_security.py"


def find_secrets(text: str) -> list[str]:
    hits = []
    for pattern in SECRET_PATTERNS:
        for match in pattern.finditer(text):
            value = match.group(match.lastindex or 0)
            if value not in DEV_DEFAULTS:
                hits.append(match.group(0))
    return hits


def test_scanner_catches_planted_secrets():
    assert find_secrets("aws_access_key_id = AKIAABCDEFGHIJKLMNOP")
    assert find_secrets("MINIO_ROOT_PASSWORD=hunter2-is-my-password")
    assert find_secrets('api_token: "d0f3a9c2e1b74f"')
    assert find_secrets("-----BEGIN RSA PRIVATE KEY-----")
    assert not find_secrets("MINIO_ROOT_PASSWORD=stedi-dev-secret")
    assert not find_secrets("password: \"{{ env_var('STEDI_PASSWORD') }}\"")
    assert not find_secrets("MINIO_ROOT_PASSWORD: ${MINIO_ROOT_PASSWORD:-stedi-dev-secret}")
    assert not find_secrets("aws_secret_access_key=settings.minio_password,")


def test_no_secret_is_committed():
    files = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True,
                           text=True, check=True).stdout.split()
    hits = {}
    for name in files:
        path = REPO_ROOT / name
        if name == SCANNER_SAMPLES or path.suffix in {".png", ".gz", ".zip"} or not path.is_file():
            continue
        found = find_secrets(path.read_text(errors="ignore"))
        if found:
            hits[name] = found
    assert not hits, hits


def test_env_file_is_git_ignored_and_example_is_committed():
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=REPO_ROOT,
                             check=False)
    assert ignored.returncode == 0
    assert (REPO_ROOT / ".env.example").is_file()


@pytest.fixture(scope="module")
def manifest(athena_compiled) -> dict:
    return athena_compiled.manifest


def _ancestors(manifest, unique_id) -> set[str]:
    parents = manifest["parent_map"]
    seen, todo = set(), [unique_id]
    while todo:
        for parent in parents.get(todo.pop(), []):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def test_every_zone_model_fed_by_customer_data_passes_the_consent_gate(manifest):
    gate = "model.stedi.customer_trusted"
    personal = {"source.stedi.landing.customer_landing",
                "source.stedi.landing.accelerometer_landing"}
    checked = 0
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] != "model" or node["fqn"][1] not in ("trusted", "curated"):
            continue
        if uid == gate:
            continue
        ancestors = _ancestors(manifest, uid)
        if ancestors & personal:
            assert gate in ancestors, f"{uid} reads customer data without the consent gate"
            checked += 1
    assert checked == 4


def test_no_column_marked_pii_reaches_machine_learning_curated(manifest, built, settings):
    """The built table against every PII mark in the project (raw_line included).

    "No identifiers in the ML data" is checked three ways, each proving something
    the others do not: the enforced contract (machine_learning_curated.yml) fails
    the build on any undeclared column; test_manifest.py's
    test_pii_columns_are_marked_and_absent_from_ml_data proves offline that every
    identifier column is marked and the ML model declares none; the dbt test
    tests/curated/test_machine_learning_curated__no_direct_identifiers.sql checks
    the built table on every target, Athena included. This test ties the marks to
    the table Trino actually holds."""
    pii = {
        col["name"]
        for node in list(manifest["nodes"].values()) + list(manifest["sources"].values())
        for col in node.get("columns", {}).values()
        if (col.get("config", {}).get("meta") or col.get("meta") or {}).get("pii")
    }
    assert {"email", "customer_name", "phone", "birth_day", "raw_line"} <= pii
    cursor = built.trino.connect().cursor()
    cursor.execute(f"describe {lakehouse.qualified('machine_learning_curated', settings.dbt_schema)}")
    columns = {row[0] for row in cursor.fetchall()}
    assert columns and not columns & pii
    declared = json.dumps(manifest["nodes"]["model.stedi.machine_learning_curated"]["columns"])
    assert '"pii": true' not in declared
