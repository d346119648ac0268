"""Incremental runs: the typed landing tables append only the new landing files,
trusted and curated rewrite only the customers and serials the new files name
(`stedi build`'s daily run), a re-delivered file adds nothing, a removed file's
lines go, and incremental runs over the same files equal a full refresh, every
row of every table (docs/incremental.md)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass

import pytest
from conftest import REFERENCE_COUNTS, REPO_ROOT
from scenario import Scenario

from stedi import dbt_runner, lakehouse

MODELS = lakehouse.names(lakehouse.OUTPUTS)
# Business columns only: landing_file_modified_at records when a file arrived,
# which a re-delivery changes without changing a reading.
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


def _incremental_models() -> list[str]:
    """The models dbt builds incrementally (the typed landing tables; from the
    manifest of the build just run), so the check follows the models' configuration."""
    manifest = json.loads((dbt_runner.target_dir(REPO_ROOT) / "manifest.json").read_text())
    return [n["name"] for n in manifest["nodes"].values()
            if n["resource_type"] == "model" and n["config"]["materialized"] == "incremental"]


def _data_files(sc, model: str) -> set[str]:
    """The data files the table's current snapshot reads (Iceberg $files)."""
    table = sc.table(model)[:-1] + '$files"'
    return {path for (path,) in sc.query(f"select file_path from {table} where content = 0")}


@dataclass(frozen=True)
class Increments:
    """What the two batches left, recorded right after the incremental build, so
    that no test depends on another having run (or not run) before it."""
    first: dict          # fingerprints after batch 1 (full refresh)
    incremental: dict    # fingerprints after batch 2 (incremental build)
    counts: dict         # rows per model after batch 2
    kept: dict           # incremental model -> batch 1's data files still read after batch 2
    files: dict


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
    assert sc.daily().reason == "no earlier build on record: in full"
    first = fingerprint(sc)
    incremental_models = _incremental_models()
    before = {m: _data_files(sc, m) for m in incremental_models}
    # Batch 2: the rest of the files.
    _copy(files["accelerometer"][4:], sc.folder / "accelerometer" / "landing")
    _copy(files["step_trainer"][1:], sc.folder / "step_trainer" / "landing")
    sc.load()
    assert sc.daily().ran
    kept = {m: _data_files(sc, m) & before[m] for m in incremental_models}
    yield sc, Increments(first=first, incremental=fingerprint(sc),
                         counts={m: sc.count(m) for m in MODELS}, kept=kept, files=files)
    sc.drop()


def test_incremental_run_appends_new_files_to_the_typed_tables(increments):
    """Batch 2's build appended to the typed landing tables without rewriting them:
    the data files batch 1 wrote are still read (a rebuild replaces every file),
    and the trusted/curated tables reach the reference counts."""
    _, inc = increments
    # trusted and curated are incremental too (their rows of unchanged customers
    # stay; here nearly every customer has a new reading, so no file is kept whole)
    assert set(inc.kept) == set(lakehouse.names(lakehouse.TYPED + lakehouse.OUTPUTS)), inc.kept
    for model in lakehouse.names(lakehouse.TYPED):
        assert inc.kept[model], f"{model}: the incremental build rewrote every data file"
    assert inc.first["accelerometer_trusted"][0] < REFERENCE_COUNTS["accelerometer_trusted"]
    for model in MODELS:
        assert inc.counts[model] == REFERENCE_COUNTS[model], model


def test_redelivered_file_adds_nothing(increments):
    sc, inc = increments
    before = fingerprint(sc)
    again = sc.folder / "accelerometer" / "landing" / "accelerometer-redelivered.json"
    shutil.copy(inc.files["accelerometer"][0], again)
    shutil.copy(inc.files["step_trainer"][0],
                sc.folder / "step_trainer" / "landing" / "step_trainer-redelivered.json")
    sc.load()
    assert sc.daily().ran
    assert fingerprint(sc) == before
    redelivered = sum(1 for _ in inc.files["accelerometer"][0].open())
    assert sc.count("accelerometer_landing") == (
        REFERENCE_COUNTS["accelerometer_landing"] + redelivered)


def test_incremental_runs_equal_a_full_refresh(increments):
    sc, inc = increments
    sc.assert_equals_full_refresh()
    assert fingerprint(sc) == inc.incremental
    # The contrast that makes the file check above mean something: a full
    # refresh rewrites a table, so none of the files batch 1 wrote is read.
    for model, kept in inc.kept.items():
        assert not _data_files(sc, model) & kept, model


def test_a_removed_file_leaves_the_typed_table(increments):
    """A landing file removed (`stedi load` deletes what the folder no longer
    holds): the next incremental build deletes its lines from the typed table,
    and every table is as it was before the file came."""
    sc, inc = increments
    before = fingerprint(sc), sc.count("accelerometer_landing_typed")
    later = [{**line, "timestamp": line["timestamp"] + 1}
             for line in map(json.loads, inc.files["accelerometer"][0].read_text().splitlines()[:10])]
    extra = sc.write("accelerometer", "accelerometer-extra.json", later)
    sc.load()
    sc.build()
    assert sc.count("accelerometer_landing_typed") == before[1] + len(later)
    extra.unlink()
    sc.load()
    sc.build()
    assert (fingerprint(sc), sc.count("accelerometer_landing_typed")) == before
