"""Fixtures for the end-to-end tests, against the real local stack.

The fixture graph, each doing one thing:
    settings  ->  stack (MinIO + Trino up, started once per session; left running)
              ->  loaded (the reference landing data uploaded to MinIO)
              ->  built (`dbt build --full-refresh` succeeded on it)
The reference data is read from ../shared/data/stedi (or STEDI_REFERENCE_DATA);
it is never copied into the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stedi import dbt, load
from stedi.settings import REPO_ROOT, Settings
from stedi.stack import Stack

REFERENCE_DATA = Path(
    os.environ.get("STEDI_REFERENCE_DATA", REPO_ROOT.parent / "shared" / "data" / "stedi")
)

REFERENCE_COUNTS = {
    "customer_landing": 956,
    "accelerometer_landing": 81_273,
    "step_trainer_landing": 28_680,
    "customer_trusted": 482,
    "accelerometer_trusted": 40_981,
    "customers_curated": 482,
    "step_trainer_trusted": 14_460,
    "machine_learning_curated": 40_981,
}


@pytest.fixture(scope="session")
def reference_data() -> Path:
    if not (REFERENCE_DATA / "customer" / "landing").is_dir():
        pytest.fail(f"reference landing data not found at {REFERENCE_DATA}")
    return REFERENCE_DATA


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.from_env()


@pytest.fixture(scope="session")
def stack(settings) -> Stack:
    stack = Stack(settings)
    stack.up()
    return stack


@pytest.fixture(scope="session")
def loaded(stack, settings, reference_data) -> Stack:
    load.load_landing(settings, reference_data)
    return stack


@pytest.fixture(scope="session")
def built(loaded, settings) -> Stack:
    dbt.run_dbt(["build", "--full-refresh"], settings)
    return loaded


@pytest.fixture()
def trino_cursor(stack):
    return stack.trino.connect().cursor()


def scalar(cursor, sql: str):
    cursor.execute(sql)
    return cursor.fetchall()[0][0]
