"""A new user's first run on their own landing data: `make lakehouse` ends with
exit 0 and the row-count table; exact counts are asserted only for a dataset the
build names (the reference data in CI), and a wrong count still fails them.

The landing set is written here (not the reference data): four customers, one
who consents, one who withdrew, one who never consented, one who consents but
has no phone; readings for each. It is built in its own bucket and dbt schema
prefix, so the reference lakehouse of the other tests is never touched.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import replace

import pytest
from conftest import REPO_ROOT, STEDI
from scenario import drop_lakehouse_schemas

from stedi import s3
from stedi.pipeline import counts

BUCKET = "stedi-own-data-test"
SCHEMA = "stedi_own_data_test"
T0 = 1_700_000_000_000  # epoch ms


def _customer(name, serial, updated, research):
    return {"customerName": name, "email": f"{name}@example.org", "phone": "5550100",
            "birthDay": "1990-01-01", "serialNumber": serial, "registrationDate": T0,
            "lastUpdateDate": updated, "shareWithResearchAsOfDate": research,
            "shareWithPublicAsOfDate": None, "shareWithFriendsAsOfDate": None}


def _write(folder, entity, name, rows):
    path = folder / entity / "landing" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


@pytest.fixture(scope="module")
def own_landing(tmp_path_factory):
    folder = tmp_path_factory.mktemp("own-landing")
    _write(folder, "customer", "customers-1.json", [
        _customer("Ada", "serial-a", T0, T0),            # consents
        _customer("Bo", "serial-b", T0, T0),             # consented ...
        _customer("Bo", "serial-b", T0 + 10, 0),         # ... then withdrew (latest record)
        _customer("Cy", "serial-c", T0, None),           # never consented
        _customer("Di", "serial-d", T0, T0),             # consents, no phone readings
    ])
    phone = [{"user": f"{who}@example.org", "timestamp": T0 + i, "x": 0.1, "y": 0.2, "z": 0.3}
             for who in ("Ada", "Bo", "Cy") for i in (1, 2, 3)]
    _write(folder, "accelerometer", "phone-1.json", phone)
    steps = [{"sensorReadingTime": T0 + i, "serialNumber": f"serial-{s}", "distanceFromObject": 200}
             for s in ("a", "b", "c", "d") for i in (1, 2, 4)]  # +4: no phone reading then
    _write(folder, "step_trainer", "steps-1.json", steps)
    # Counts by the rules (worked out by hand, not by the models): only Ada and Di
    # consent; only Ada has phone data; Ada's steps at +1, +2 have a phone reading.
    expected = {"customer_landing": 5, "accelerometer_landing": 9, "step_trainer_landing": 12,
                "customer_trusted": 2, "accelerometer_trusted": 3, "step_trainer_trusted": 2,
                "customers_curated": 1, "machine_learning_curated": 2}
    return folder, expected


@pytest.fixture(scope="module")
def own_settings(settings):
    return replace(settings, bucket=BUCKET, dbt_schema=SCHEMA)


@pytest.fixture(scope="module")
def own_env(own_settings, own_landing):
    env = {k: v for k, v in os.environ.items() if k != "STEDI_EXPECTATIONS"}
    env.update(STEDI_DATA_DIR=str(own_landing[0]), STEDI_BUCKET=BUCKET, STEDI_SCHEMA=SCHEMA,
               STEDI_TRINO_PORT=str(own_settings.trino_port),
               STEDI_MINIO_PORT=str(own_settings.minio_port))
    return env


@pytest.fixture(scope="module")
def own_lakehouse(stack, own_settings, own_env):
    """`make lakehouse` exactly as the README's first screen, on the own folder."""
    proc = subprocess.run(["make", "lakehouse"], cwd=REPO_ROOT, env=own_env,
                          capture_output=True, text=True, check=False)
    try:
        yield proc
    finally:
        drop_lakehouse_schemas(stack.trino, SCHEMA)
        client = s3.client(own_settings)
        for key in s3.list_keys(own_settings, ""):
            client.delete_object(Bucket=BUCKET, Key=key)
        client.delete_bucket(Bucket=BUCKET)


def test_make_lakehouse_on_own_data_ends_with_exit_0_and_the_row_counts(
        own_lakehouse, own_landing, stack):
    assert own_lakehouse.returncode == 0, own_lakehouse.stdout[-3000:] + own_lakehouse.stderr[-3000:]
    # The table's rows (make may add its own lines, e.g. "make[1]: Leaving
    # directory" when the suite itself runs under make).
    rows = re.findall(r"^(?:landing|trusted|curated)\s+(\w+)\s+([\d,]+)\s*$",
                      own_lakehouse.stdout, flags=re.MULTILINE)
    printed = {table: int(n.replace(",", "")) for table, n in rows}
    actual = {name: rows for _, name, rows in counts.row_counts(stack.trino, SCHEMA)}
    assert printed == actual  # the table tells what the lakehouse holds
    assert actual == own_landing[1]  # and that is what the rules give on this data


@pytest.mark.parametrize("dataset", ["reference", "referense"])
def test_exact_counts_of_a_named_dataset_still_fail_on_other_data(
        own_lakehouse, own_env, tmp_path, dataset):
    """Naming the reference dataset (or misspelling it) on this data fails all 8
    count tests: the counts are asserted whenever a dataset is named."""
    assert own_lakehouse.returncode == 0
    proc = subprocess.run(
        [STEDI, "dbt", "test", "--select", "test_name:expected_row_count",
         "--target-path", str(tmp_path), "--vars", f"{{expectations_dataset: {dataset}}}"],
        cwd=REPO_ROOT, env=own_env, capture_output=True, text=True, check=False)
    assert proc.returncode != 0
    results = json.loads((tmp_path / "run_results.json").read_text())["results"]
    statuses = [r["status"] for r in results if "expected_row_count" in r["unique_id"]]
    assert statuses == ["fail"] * 8, statuses
