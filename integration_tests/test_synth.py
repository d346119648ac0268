"""Synthetic data (stedi synth) through the real stack: dbt's counts = the generator's.

The fixture graph of this module (on top of conftest's `settings` and `stack`):
    synth_data      ->  N=0.2 landing folder + expected_counts.json in a tmp dir
    synth_settings  ->  its own bucket (stedi-synth-test) and dbt schema prefix
                        (stedi_synth_test_*), so the reference lakehouse
                        (stedi_landing/_trusted/_curated) is never touched
    synth_built     ->  loaded + `dbt build --full-refresh` there; afterwards
                        drops exactly the schemas and objects it created.
"""

from __future__ import annotations

import json
import re
import tracemalloc
from dataclasses import replace

import pytest
from conftest import assert_every_line_accounted_for, line_accounting
from recount import recount
from scenario import drop_lakehouse_schemas

from stedi import dbt_runner, lakehouse, s3
from stedi.landing import load, synth
from stedi.settings import Settings

SCALE, SEED = 0.2, 42
BUCKET = "stedi-synth-test"
# The reference lakehouse's schema prefix (STEDI_SCHEMA), and this test's own.
REFERENCE_SCHEMA = Settings.from_env().dbt_schema
SCHEMA = f"{REFERENCE_SCHEMA}_synth_test"


@pytest.fixture(scope="module")
def synth_data(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    synth.generate(out, scale=SCALE, seed=SEED)
    return out, json.loads((out / "expected_counts.json").read_text())


@pytest.fixture(scope="module")
def synth_settings(settings):
    return replace(settings, bucket=BUCKET, dbt_schema=SCHEMA, persist_docs=False)


def _reference_state(cursor) -> dict:
    """Snapshot ids of the reference lakehouse's Iceberg tables (those that exist)."""
    state = {}
    for rel in lakehouse.OUTPUTS:
        schema, name = rel.schema(REFERENCE_SCHEMA), rel.name
        cursor.execute(f"select table_name from iceberg.information_schema.tables "
                       f"where table_schema = '{schema}' and table_name = '{name}'")
        if cursor.fetchall():
            cursor.execute(f'select max(committed_at), count(*) '
                           f'from iceberg.{schema}."{name}$snapshots"')
            state[name] = tuple(cursor.fetchall()[0])
    return state


@pytest.fixture(scope="module")
def synth_built(stack, synth_settings, synth_data):
    folder, expected = synth_data
    cursor = stack.trino.connect().cursor()
    reference_before = _reference_state(cursor)
    created_bucket = BUCKET not in {
        b["Name"] for b in s3.client(synth_settings).list_buckets().get("Buckets", [])
    }
    load.load_landing(synth_settings, folder)
    try:
        dbt_runner.run_dbt(["build", "--full-refresh"], synth_settings)
        yield stack, expected, reference_before
    finally:
        drop_lakehouse_schemas(stack.trino, SCHEMA)
        client = s3.client(synth_settings)
        for entity in lakehouse.ENTITIES:
            for key in s3.list_keys(synth_settings, f"{entity}/landing/"):
                client.delete_object(Bucket=BUCKET, Key=key)
        if created_bucket and not s3.list_keys(synth_settings, ""):
            client.delete_bucket(Bucket=BUCKET)


@pytest.mark.parametrize("relation", synth.COUNTED)
def test_synthetic_counts_match_the_generator(synth_built, relation):
    stack, expected, _ = synth_built
    cursor = stack.trino.connect().cursor()
    cursor.execute(f"select count(*) from {lakehouse.qualified(relation, SCHEMA)}")
    assert cursor.fetchall()[0][0] == expected["counts"][relation]


@pytest.mark.parametrize("entity", lakehouse.ENTITIES)
def test_every_synthetic_landing_line_has_one_outcome(synth_built, synth_settings, entity):
    stack, _, _ = synth_built
    cursor = stack.trino.connect().cursor()
    assert_every_line_accounted_for(line_accounting(cursor, synth_settings, entity))


def test_synthetic_data_exercises_every_rule(synth_data):
    """The counts above are only a check if the data holds each case the rules handle."""
    _, expected = synth_data
    assert all(n > 0 for n in expected["quirks"].values()), expected["quirks"]
    assert all(n > 0 for n in expected["excluded_malformed_lines"].values())
    assert all(n > 0 for n in expected["redelivered_lines"].values())
    assert all(n > 0 for n in expected["held_out_customers"].values())
    counts = expected["counts"]
    # Rules that must remove rows on this data, so a model that skipped one would differ.
    assert counts["customers_curated"] < counts["customer_trusted"]
    assert counts["machine_learning_curated"] < counts["accelerometer_trusted"]


def test_synthetic_customers_held_out_on_doubt_match_the_generator(synth_built):
    """Ties and unreadable records hold exactly the customers the generator expects."""
    stack, expected, _ = synth_built
    cursor = stack.trino.connect().cursor()
    cursor.execute(f"select consent_status, count(*) from iceberg.{SCHEMA}_landing"
                   f".customer_landing_current where consent_status like 'held_out%' group by 1")
    assert dict(cursor.fetchall()) == expected["held_out_customers"]


def test_synthetic_landing_tables_read_the_synth_bucket(synth_built):
    stack, _, _ = synth_built
    cursor = stack.trino.connect().cursor()
    cursor.execute(f"show create table hive.{SCHEMA}_landing.accelerometer_landing")
    # (the metastore stores the location without its trailing slash)
    assert re.search(rf"external_location = 's3://{BUCKET}/accelerometer/landing/?'",
                     cursor.fetchall()[0][0])


def test_synthetic_build_leaves_the_reference_lakehouse_alone(synth_built):
    stack, _, before = synth_built
    assert _reference_state(stack.trino.connect().cursor()) == before


def test_generator_bookkeeping_matches_an_independent_recount(synth_data):
    folder, expected = synth_data
    assert recount(folder) == expected["counts"]


def test_generator_is_deterministic_per_seed(tmp_path):
    def files(folder):
        return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*.json"))
                if p.name != "expected_counts.json"}

    synth.generate(tmp_path / "a", scale=0.05, seed=7)
    synth.generate(tmp_path / "b", scale=0.05, seed=7)
    synth.generate(tmp_path / "c", scale=0.05, seed=8)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a") != files(tmp_path / "c")


def test_generator_memory_does_not_grow_with_scale(tmp_path):
    def peak(scale):
        tracemalloc.start()
        synth.generate(tmp_path / str(scale), scale=scale, seed=1)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(0.1), peak(1.0)   # 10x the data
    assert large < 2 * small, (small, large)


def test_added_part_counts_add_up(tmp_path):
    """A second part with disjoint customers (the benchmark's +1%) adds its counts."""
    base = synth.generate(tmp_path, scale=0.1, seed=3)
    delta = synth.generate(tmp_path, scale=0.02, seed=4, offset=10**9, part="delta")
    assert recount(tmp_path) == synth.add_counts(base, delta)
