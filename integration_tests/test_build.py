"""The production build (src/stedi/pipeline/production.py): no unit tests, and dbt runs only
when something the build reads changed since the last successful build. A skip
must never keep data a change would remove: each kind of input is changed once
and the build must run (and, for a withdrawal, remove the rows)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from scenario import Scenario, customer, reading, step

from stedi import dbt_runner, lakehouse
from stedi.errors import StackError
from stedi.pipeline import production, scanned
from stedi.privacy import forgotten
from stedi.settings import Settings

A = "daily@example.com"


def _one_consenting_customer(stack, name, tmp_path) -> Scenario:
    """A loaded scenario: customer A (serial s-1) consents; one phone reading and
    one Step Trainer reading at 5,000."""
    sc = Scenario(stack, name, tmp_path)
    # no build of an earlier session on record (the state dir outlives a session)
    production.record_path(sc.settings).unlink(missing_ok=True)
    shutil.rmtree(production.last_good_state(sc.settings), ignore_errors=True)
    sc.write("customer", "c1.json", [customer(A, serial="s-1", consent=1_000)])
    sc.write("accelerometer", "a1.json", [reading(A, 5_000)])
    sc.write("step_trainer", "s1.json", [step("s-1", 5_000)])
    sc.load()
    return sc


def test_the_build_runs_only_when_something_it_reads_changed(stack, tmp_path):
    sc = _one_consenting_customer(stack, "daily_build", tmp_path)
    # a big file of another (non-consenting) person's readings, there from the start
    big = sc.write("accelerometer", "a0.json",
                   [reading("other@example.com", t) for t in range(20_000)])
    sc.load()
    try:
        assert production.build(sc.settings, full_refresh=True).ran
        # the production build ran no unit test, and every data test
        results = json.loads((dbt_runner.target_dir(sc.settings.project_dir) / "run_results.json")
                             .read_text())["results"]
        kinds = {r["unique_id"].split(".")[0] for r in results}
        assert "unit_test" not in kinds and {"model", "test"} <= kinds
        written = production.table_snapshots(sc.settings)
        assert written is not None

        # nothing new: dbt does not run, no table gets a new snapshot
        assert production.pending(sc.settings) == []
        assert not production.build(sc.settings).ran
        assert production.table_snapshots(sc.settings) == written

        # a new landing file: it runs and the reading arrives, and the typed model
        # reads that file only (a constant "$path" list: the files it does not read
        # are pruned, the big one among them; before, every run read every line
        # twice: 2.0x the big file)
        sc.write("accelerometer", "a2.json", [reading(A, 6_000)])
        sc.load()
        done = production.build(sc.settings)
        assert done.ran
        assert sc.count("accelerometer_trusted") == 2
        read = done.read["model accelerometer_landing_typed"][0]
        assert read < 0.1 * big.stat().st_size, (read, big.stat().st_size)

        # a file delivered again, changed, and another removed: the typed table
        # holds the landing files as they are now, as a full refresh would
        sc.write("accelerometer", "a1.json", [reading(A, 5_000, x=0.25)])
        (sc.folder / "accelerometer" / "landing" / "a2.json").unlink()
        sc.load()
        assert production.build(sc.settings).ran
        rows = sc.query("select regexp_extract(source_file, '[^/]+$'), reading_epoch_ms, x "
                        "from {accelerometer_landing_typed} where email_key is not null "
                        "and email = 'daily@example.com'")
        assert rows == [["a1.json", 5_000, 0.25]]
        assert sc.count("accelerometer_landing_typed") == 20_001

        # a withdrawal lands: it runs and the customer's rows are gone
        sc.write("customer", "c2.json", [customer(A, serial="s-1", updated=2_000)])
        sc.load()
        assert production.build(sc.settings).ran
        for model in ("customer_trusted", "accelerometer_trusted", "machine_learning_curated"):
            assert sc.count(model) == 0, model
        assert not production.build(sc.settings).ran

        # a request to be forgotten (another person's), as `stedi forget` records
        # it; another, a line appended to the same object; other dbt arguments
        # (strict consent): each alone is what the build would run for
        # (production.pending: the build's own check, which writes nothing)
        registry = lakehouse.REGISTRY_PREFIX
        for cid in (secrets.token_hex(32), secrets.token_hex(32)):   # new to the bucket
            forgotten.record_request(sc.settings, {"customer_id": cid,
                                                 "forgotten_at": "2026-01-01T00:00:00Z"})
            changed = production.pending(sc.settings)
            assert len(changed) == 1 and changed[0].split(": ")[1].startswith(registry), changed
        strict = ["--vars", json.dumps({"strict_consent": True})]
        assert "dbt_args changed" in production.pending(sc.settings, strict)

        # a table dropped outside the build: it runs (for the requests too) and
        # rebuilds it
        sc.trino.query(f"drop table {sc.table('machine_learning_curated')}")
        done = production.build(sc.settings)
        assert done.ran and "a table it writes is missing" in done.reason, done.reason
        assert sc.count("machine_learning_curated") == 0
        assert production.pending(sc.settings) == []
    finally:
        sc.drop()


def _project_copy(tmp_path) -> Path:
    """The dbt project's files (what `stedi build` runs dbt on) in a folder of the test's."""
    project = tmp_path / "project"
    project.mkdir()
    for name in production.PROJECT_INPUTS:
        src = Settings.from_env().project_dir / name
        if src.is_dir():
            shutil.copytree(src, project / name)
        else:
            shutil.copyfile(src, project / name)
    return project


def test_a_change_to_any_project_file_changes_the_digest(tmp_path):
    tmp_path = _project_copy(tmp_path)
    before = production.project_digest(tmp_path)
    assert production.project_digest(tmp_path) == before
    model = tmp_path / "models" / "trusted" / "customer_trusted.sql"
    model.write_text(model.read_text() + "\n-- changed\n")
    assert production.project_digest(tmp_path) != before
    (tmp_path / "macros" / "new_macro.sql").write_text("{% macro m() %}1{% endmacro %}")
    changed = production.project_digest(tmp_path)
    (tmp_path / "macros" / "new_macro.sql").unlink()
    model.write_text(model.read_text().replace("\n-- changed\n", ""))
    assert production.project_digest(tmp_path) == before != changed


def test_the_attribution_test_fails_on_a_reading_without_a_phone_reading(stack, tmp_path):
    """tests/trusted/test_step_trainer_trusted__attributed_through_phone.sql
    reports a step reading whose customer's phone has no reading at that time,
    and one whose serial number is not the customer's; never a correct one."""
    sc = _one_consenting_customer(stack, "attribution_test", tmp_path)
    try:
        sc.build("--full-refresh")
        assert sc.count("step_trainer_trusted") == 1
        sc.query("""insert into {step_trainer_trusted}
            select 'no-phone-reading', customer_id, serial_number, 7000, sensor_reading_at,
                   distance_from_object, landing_file_modified_at
            from {step_trainer_trusted}
            union all
            select 'not-their-serial', customer_id, 's-2', sensor_reading_epoch_ms,
                   sensor_reading_at, distance_from_object, landing_file_modified_at
            from {step_trainer_trusted}""")
        with pytest.raises(StackError):
            sc.dbt("test", "--select", "test_step_trainer_trusted__attributed_through_phone")
        results = json.loads((dbt_runner.target_dir(sc.settings.project_dir) / "run_results.json")
                             .read_text())["results"]
        assert [(r["status"], r["failures"]) for r in results
                if r["unique_id"].startswith("test.")] == [("fail", 2)]
    finally:
        sc.drop()


def test_a_changed_model_is_rebuilt_in_full_with_what_reads_it(stack, tmp_path):
    """A typed landing table keeps what earlier runs parsed, so a new parsing rule
    must reach the files loaded before it: `stedi build` rebuilds the changed
    model and everything downstream in full (dbt's state:modified+ against the
    last successful build's manifest), and the rest as usual. And every build
    says what it read."""
    sc = _one_consenting_customer(stack, "code_change", tmp_path)
    project = _project_copy(tmp_path)
    sc.settings = replace(sc.settings, project_dir=project)
    try:
        first = production.build(sc.settings)
        assert first.ran and first.reason.startswith("no earlier build on record")
        assert sc.query("select x from {machine_learning_curated}") == [[0.5]]
        # it says what it read: Trino's statistics, put to their model by dbt's
        # query comment, and what that would cost on Athena
        for model in ("accelerometer_landing_typed", "customer_trusted",
                      "machine_learning_curated"):
            assert first.read[f"model {model}"][0] > 0, first.read
        assert any(node.startswith("test ") for node in first.read)
        assert "on Athena: about USD" in scanned.summary(first.read)

        # a new rule for x, no new data: the old file is parsed again by it
        model = project / "models" / "landing" / "accelerometer_landing_typed.sql"
        rule = "doc.x,"
        assert rule in model.read_text()
        model.write_text(model.read_text().replace(rule, "doc.x * 2 as x,"))
        done = production.build(sc.settings)
        assert done.ran and "accelerometer_landing_typed" in done.reason, done.reason
        assert "customer_landing_typed" not in done.reason, done.reason
        assert sc.query("select x from {accelerometer_landing_typed}") == [[1.0]]
        assert sc.query("select x from {machine_learning_curated}") == [[1.0]]

        # the code is now the last good build's: the next run is a daily one again
        assert production.modified_since_last_good_build(
            sc.settings, production.project_digest(project)) == []
    finally:
        sc.drop()



def test_the_daily_run_names_what_arrived_since_the_last_good_build():
    """landing_delta: per typed model, the files to read (new or changed: ETag,
    size or time differ) and the files whose earlier lines go (those, and the
    removed); nothing to compare with, or too much to hand over: None
    (the models then find the new files themselves)."""
    settings = replace(Settings.from_env(), bucket="b")
    before = [["accelerometer/landing/a1.json", '"e1"', 10, "t1"],
              ["accelerometer/landing/a2.json", '"e2"', 10, "t1"],
              ["customer/landing/c1.json", '"c1"', 10, "t1"],
              ["privacy/forgotten_customers/requests.jsonl", '"r1"', 10, "t1"]]
    now = [["accelerometer/landing/a1.json", '"e9"', 10, "t2"],
           ["accelerometer/landing/a3.json", '"e3"', 10, "t2"],
           ["customer/landing/c1.json", '"c1"', 10, "t1"],
           ["privacy/forgotten_customers/requests.jsonl", '"r2"', 20, "t2"]]
    delta = production.landing_delta(settings, before, now)
    assert delta["accelerometer_landing_typed"] == {
        "read": ["s3://b/accelerometer/landing/a1.json", "s3://b/accelerometer/landing/a3.json"],
        "replace": ["s3://b/accelerometer/landing/a1.json", "s3://b/accelerometer/landing/a2.json",
                    "s3://b/accelerometer/landing/a3.json"]}
    assert delta["customer_landing_typed"] == {"read": [], "replace": []}
    assert delta["step_trainer_landing_typed"] == {"read": [], "replace": []}
    # a file changed or removed, a new erasure request: trusted and curated build whole
    assert delta["appended_only"] is False
    added = [*before, ["customer/landing/c2.json", '"c2"', 10, "t2"]]
    assert production.landing_delta(settings, before, added)["appended_only"] is True
    # ... unless something else changed (unchanged_but_landing: code, arguments, tables)
    assert production.landing_delta(settings, before, added, False)["appended_only"] is False
    for other in (["customer/landing/c1.json", '"c9"', 10, "t2"],
                  ["privacy/forgotten_customers/request-2.json", '"r"', 10, "t2"]):
        assert production.landing_delta(settings, before, [*added, other])["appended_only"] is False
    assert production.landing_delta(settings, None, now) is None
    many = [[f"accelerometer/landing/{i:06}.json", '"e"', 1, "t"] for i in range(5_000)]
    assert production.landing_delta(settings, [], many) is None
    # handed to dbt in its environment, and only by stedi build: one left in the
    # caller's shell never reaches a dbt command
    env = production.delta_env(delta)
    assert json.loads(env[dbt_runner.LANDING_DELTA]) == delta
    stale = {**os.environ, dbt_runner.LANDING_DELTA: json.dumps(delta)}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "environ", stale)
        assert dbt_runner.LANDING_DELTA not in dbt_runner.dbt_env(settings)
        assert dbt_runner.dbt_env(settings, env)[dbt_runner.LANDING_DELTA] == env[dbt_runner.LANDING_DELTA]
