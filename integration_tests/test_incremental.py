"""Incremental runs: only new landing data is processed, a re-delivered file adds
nothing, and incremental runs over the same files equal a full refresh."""

from __future__ import annotations

import shutil

import pytest
from conftest import REFERENCE_COUNTS
from scenario import Scenario

from stedi import lakehouse

MODELS = lakehouse.names(lakehouse.OUTPUTS)
# Business columns only: loaded_at and landing_file_modified_at record when a
# row was written, which differs between a full refresh and an incremental run.
FINGERPRINT = {
    "customer_trusted": "customer_id, email, serial_number, research_consent_at",
    "accelerometer_trusted": "accelerometer_reading_id, customer_id, reading_at, x, y, z",
    "step_trainer_trusted": "step_trainer_reading_id, customer_id, distance_from_object",
    "customers_curated": "customer_id, email, serial_number",
    "machine_learning_curated": "machine_learning_reading_id, customer_id, "
                                "step_trainer_reading_id, accelerometer_reading_id, x, y, z",
}


def fingerprint(sc) -> dict[str, tuple]:
    prints = {}
    for model, columns in FINGERPRINT.items():
        row = sc.query(
            "select count(*), checksum(to_utf8(concat_ws('|', "
            + ", ".join(f"cast({c.strip()} as varchar)" for c in columns.split(","))
            + f"))) from {{{model}}}"
        )[0]
        prints[model] = tuple(row)
    return prints


def _copy(src_files, dest):
    dest.mkdir(parents=True, exist_ok=True)
    for f in src_files:
        shutil.copy(f, dest / f.name)


@pytest.fixture(scope="module")
def increments(stack, reference_data, tmp_path_factory):
    sc = Scenario(stack, "incremental", tmp_path_factory.mktemp("incr"))
    files = {e: sorted((reference_data / e / "landing").glob("*.json"))
             for e in lakehouse.ENTITIES}
    # Batch 1: all customers, about half the sensor files.
    _copy(files["customer"], sc.folder / "customer" / "landing")
    _copy(files["accelerometer"][:4], sc.folder / "accelerometer" / "landing")
    _copy(files["step_trainer"][:1], sc.folder / "step_trainer" / "landing")
    sc.load()
    sc.build("--full-refresh")
    first = fingerprint(sc)
    # Batch 2: the rest of the files.
    _copy(files["accelerometer"][4:], sc.folder / "accelerometer" / "landing")
    _copy(files["step_trainer"][1:], sc.folder / "step_trainer" / "landing")
    sc.load()
    out = sc.build()
    yield sc, first, out, files
    sc.drop()


def test_incremental_run_merges_new_data_into_existing_tables(increments):
    sc, first, out, _ = increments
    assert "MERGE" in out and "incremental model" in out
    assert first["accelerometer_trusted"][0] < REFERENCE_COUNTS["accelerometer_trusted"]
    for model in MODELS:
        assert sc.count(model) == REFERENCE_COUNTS[model], model


def test_redelivered_file_adds_nothing(increments):
    sc, _, _, files = increments
    before = fingerprint(sc)
    again = sc.folder / "accelerometer" / "landing" / "accelerometer-redelivered.json"
    shutil.copy(files["accelerometer"][0], again)
    shutil.copy(files["step_trainer"][0],
                sc.folder / "step_trainer" / "landing" / "step_trainer-redelivered.json")
    sc.load()
    sc.build()
    assert fingerprint(sc) == before
    redelivered = sum(1 for _ in files["accelerometer"][0].open())
    assert sc.count("accelerometer_landing") == (
        REFERENCE_COUNTS["accelerometer_landing"] + redelivered)


def test_incremental_runs_equal_a_full_refresh(increments):
    sc, _, _, _ = increments
    incremental = fingerprint(sc)
    sc.build("--full-refresh")
    assert fingerprint(sc) == incremental
