"""The data scientists' paths to the ML table (docs/consumers.md), run as
written: PyIceberg against the Hive Metastore, reading MinIO without Trino,
gives exactly what Trino gives, and no PII column is reachable that way."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from conftest import REFERENCE_COUNTS, REPO_ROOT

DOC = REPO_ROOT / "docs" / "consumers.md"
MARKER = "<!-- integration_tests/test_consumers.py runs this block as written -->"
# Direct identifiers, wherever they appear (as in test_manifest.py).
PII_NAMES = {"email", "customer_name", "phone", "birth_day", "birthday"}


def _tested_blocks() -> list[str]:
    text = DOC.read_text()
    blocks = re.findall(re.escape(MARKER) + r"\s*```python\n(.*?)```", text, flags=re.DOTALL)
    assert len(blocks) == 2, "docs/consumers.md: the PyIceberg and the Trino block"
    return blocks


@pytest.fixture()
def stack_env(settings, monkeypatch):
    """The variables the snippets read, set to this stack's values."""
    for name, value in {
        "STEDI_METASTORE_PORT": settings.metastore_port,
        "STEDI_MINIO_PORT": settings.minio_port,
        "STEDI_TRINO_PORT": settings.trino_port,
        "MINIO_ROOT_USER": settings.minio_user,
        "MINIO_ROOT_PASSWORD": settings.minio_password,
        "STEDI_SCHEMA": settings.dbt_schema,
    }.items():
        monkeypatch.setenv(name, str(value))


def _run(block: str) -> dict:
    namespace: dict = {}
    exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 -- our own documented code
    return namespace


def _pii_columns(manifest: dict) -> set[str]:
    marked = {
        name
        for node in [*manifest["nodes"].values(), *manifest["sources"].values()]
        for name, column in node.get("columns", {}).items()
        if (column.get("config") or {}).get("meta", {}).get("pii") or column.get("meta", {}).get("pii")
    }
    return marked | PII_NAMES


def test_pyiceberg_reads_the_ml_table_without_trino_exactly_as_trino_does(built, stack_env):
    pyiceberg_path, trino_path = (_run(block) for block in _tested_blocks())
    df, trino_df = pyiceberg_path["df"], trino_path["trino_df"]

    assert list(df.columns) == list(trino_df.columns)
    assert len(df) == len(trino_df) == REFERENCE_COUNTS["machine_learning_curated"]
    key = "machine_learning_reading_id"
    ours = df.sort_values(key).reset_index(drop=True)
    theirs = trino_df.sort_values(key).reset_index(drop=True)
    for column in ours.columns:  # Trino's client returns datetime objects
        if pd.api.types.is_datetime64_any_dtype(ours[column]):
            theirs[column] = pd.to_datetime(theirs[column]).astype(ours[column].dtype)
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False)


def test_no_pii_column_is_reachable_through_the_catalog(built, stack_env, build_artifacts):
    table = _run(_tested_blocks()[0])["table"]
    pii = _pii_columns(json.loads((build_artifacts / "manifest.json").read_text()))
    assert {"email", "phone"} <= pii
    # Every schema the table ever had (time travel reads old ones), not just the current.
    for schema in table.metadata.schemas:
        names = {field.name for field in schema.fields}
        assert not names & pii, (schema.schema_id, names & pii)
    df = _run(_tested_blocks()[0])["df"]
    for column in [c for c in df.columns if pd.api.types.is_string_dtype(df[c])]:
        assert not df[column].astype(str).str.contains("@").any(), f"{column}: an email?"
