"""The built lakehouse, queried in Trino directly: counts, consent, same-customer join."""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import (
    REFERENCE_COUNTS,
    STEDI,
    assert_every_line_accounted_for,
    line_accounting,
    scalar,
)

from stedi import dbt_runner
from stedi.errors import StackError
from stedi.lakehouse import COUNTED, CURATED, TRUSTED
from stedi.pipeline import counts
from stedi.settings import Settings

QUALIFIED = {r.name: r.qualified(Settings.from_env().dbt_schema) for r in COUNTED}
ICEBERG = [r.name for r in TRUSTED + CURATED]

# Consent recomputed in Python-independent SQL straight from the raw JSON lines.
CONSENTING_EMAILS = f"""
    with records as (
        select lower(trim(json_extract_scalar(raw_line, '$.email'))) as email_key,
               try_cast(json_extract_scalar(raw_line, '$.lastUpdateDate') as bigint) as updated,
               try_cast(json_extract_scalar(raw_line, '$.shareWithResearchAsOfDate') as bigint)
                   as research
        from {QUALIFIED['customer_landing']}
    ), ranked as (
        select *, rank() over (partition by email_key order by updated desc) as r from records
    )
    select email_key from ranked where r = 1
    group by email_key having bool_and(coalesce(research, 0) <> 0)
"""


@pytest.mark.parametrize("relation", list(REFERENCE_COUNTS))
def test_reference_row_counts(built, trino_cursor, relation):
    assert scalar(trino_cursor, f"select count(*) from {QUALIFIED[relation]}") == (
        REFERENCE_COUNTS[relation]
    )


def test_joining_on_timestamp_alone_would_mix_customers(built, trino_cursor):
    """The 43,681 figure: why the ML join must keep one customer together."""
    timestamp_only = scalar(
        trino_cursor,
        f"""select count(*) from {QUALIFIED['step_trainer_trusted']} s
            join {QUALIFIED['accelerometer_trusted']} a
              on s.sensor_reading_epoch_ms = a.reading_epoch_ms""",
    )
    assert timestamp_only == 43_681
    assert scalar(trino_cursor, f"select count(*) from {QUALIFIED['machine_learning_curated']}") \
        == 40_981


@pytest.mark.parametrize("entity", ["customer", "accelerometer", "step_trainer"])
def test_every_landing_line_has_one_outcome(built, trino_cursor, settings, entity):
    assert_every_line_accounted_for(line_accounting(trino_cursor, settings, entity))


@pytest.mark.parametrize(
    "relation",
    ["customer_trusted", "accelerometer_trusted", "step_trainer_trusted",
     "customers_curated", "machine_learning_curated"],
)
def test_every_row_has_current_research_consent(built, trino_cursor, relation):
    leaked = scalar(
        trino_cursor,
        f"""select count(*) from {QUALIFIED[relation]} t
            where t.customer_id not in (
                select to_hex(sha256(to_utf8(email_key))) from ({CONSENTING_EMAILS}))""",
    )
    assert leaked == 0


def test_non_consenting_customers_exist_in_landing(built, trino_cursor):
    """The consent tests above are meaningful: the landing data has customers to exclude."""
    total = scalar(trino_cursor,
                   "select count(distinct lower(trim(json_extract_scalar(raw_line, '$.email'))))"
                   f" from {QUALIFIED['customer_landing']}")
    consenting = scalar(trino_cursor, f"select count(*) from ({CONSENTING_EMAILS})")
    assert total == 956 and consenting == 482


def test_machine_learning_rows_pair_one_customer(built, trino_cursor):
    mixed = scalar(
        trino_cursor,
        f"""select count(*) from {QUALIFIED['machine_learning_curated']} ml
            join {QUALIFIED['accelerometer_trusted']} a
              on a.accelerometer_reading_id = ml.accelerometer_reading_id
            join {QUALIFIED['step_trainer_trusted']} s
              on s.step_trainer_reading_id = ml.step_trainer_reading_id
            where a.customer_id <> s.customer_id or a.customer_id <> ml.customer_id
               or a.reading_epoch_ms <> s.sensor_reading_epoch_ms""",
    )
    assert mixed == 0


def test_trusted_and_curated_tables_are_iceberg(built, trino_cursor):
    for name in ICEBERG:
        snapshots_table = QUALIFIED[name][:-1] + '$snapshots"'
        assert scalar(trino_cursor, f"select count(*) from {snapshots_table}") >= 1, name


def test_the_build_writes_the_yaml_descriptions_into_the_catalog(built, trino_cursor):
    """persist_docs (on unless STEDI_PERSIST_DOCS=false, as the scenario tests set
    it): every trusted and curated column carries its description."""
    for name in ICEBERG:
        trino_cursor.execute(f"show columns from {QUALIFIED[name]}")
        undescribed = [row[0] for row in trino_cursor.fetchall() if not row[3]]
        assert undescribed == [], name


def _relation_comments(cursor, manifest: dict) -> dict[str, tuple]:
    """{model: (its description, the comment its relation holds)}."""
    held = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        cursor.execute(
            "select comment from system.metadata.table_comments where catalog_name = ?"
            " and schema_name = ? and table_name = ?",
            [node["database"].lower(), node["schema"].lower(), node["alias"].lower()])
        rows = cursor.fetchall()
        held[node["name"]] = (node["description"], rows[0][0] if rows else None)
    return held


def test_every_relation_holds_its_description_after_a_full_and_a_daily_build(
        built, settings, build_artifacts):
    """persist_docs sends a relation's COMMENT only when the relation lacks it: a
    table just made by CREATE TABLE AS carries it already, a replaced view does not,
    and an appended table is looked up (macros/dispatch/trino__persist_docs.sql)."""
    manifest = json.loads((build_artifacts / "manifest.json").read_text())
    cursor = built.trino.connect().cursor()
    for build in (None, ["build"]):   # the full refresh of `built`, then a daily build
        if build:
            dbt_runner.run_dbt(build, settings)
        wrong = {name: pair for name, pair in _relation_comments(cursor, manifest).items()
                 if pair[0] != pair[1]}
        assert wrong == {}, build


def _fingerprints(cursor) -> dict[str, tuple]:
    prints = {}
    for name in ICEBERG:
        key = {"customer_trusted": "customer_id", "customers_curated": "customer_id"}.get(
            name, f"{name.removesuffix('_trusted').removesuffix('_curated')}_reading_id"
        )
        cursor.execute(
            f"select count(*), checksum({key}), checksum(customer_id) "
            f"from {QUALIFIED[name]}"
        )
        prints[name] = tuple(cursor.fetchall()[0])
    return prints


def test_second_build_gives_identical_tables(built, settings):
    cursor = built.trino.connect().cursor()
    before = _fingerprints(cursor)
    dbt_runner.run_dbt(["build"], settings)
    assert _fingerprints(cursor) == before


def test_consent_test_catches_a_leaked_row(built, settings):
    """The dbt consent test fails when a non-consenting customer's reading is inserted."""
    cursor = built.trino.connect().cursor()
    cursor.execute(
        f"""insert into {QUALIFIED['accelerometer_trusted']}
            (accelerometer_reading_id, customer_id, reading_epoch_ms, reading_at, x, y, z)
            select 'leak', to_hex(sha256(to_utf8(lower(trim(json_extract_scalar(raw_line,
                   '$.email')))))), 1, null, 0, 0, 0
            from {QUALIFIED['customer_landing']}
            where json_extract_scalar(raw_line, '$.shareWithResearchAsOfDate') is null
            limit 1"""
    )
    cursor.fetchall()
    try:
        with pytest.raises(StackError):
            dbt_runner.run_dbt(["test", "--select", "test_trusted__no_row_without_research_consent"],
                        settings)
    finally:
        dbt_runner.run_dbt(["build", "--select", "accelerometer_trusted+"], settings)
    dbt_runner.run_dbt(["test", "--select", "test_trusted__no_row_without_research_consent"], settings)


def test_row_count_table_prints_every_zone(built):
    table = counts.format_counts(counts.row_counts(built.trino))
    for zone in ("landing", "trusted", "curated"):
        assert zone in table
    assert "40,981" in table and "28,680" in table


def test_cli_counts_command(built):
    out = subprocess.run([STEDI, "counts"], capture_output=True, text=True, check=True).stdout
    assert "machine_learning_curated" in out and "40,981" in out
