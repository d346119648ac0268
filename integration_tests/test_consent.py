"""Consent over time: strict mode, withdrawal (incremental builds included),
physical purge of Iceberg history, and a dataset where nobody consents."""

from __future__ import annotations

import pytest
from catalog_trace import catalog_traces, metastore_dump, schema_folder
from scenario import Scenario, customer, reading, step

from stedi import dbt_runner, s3
from stedi.errors import StackError
from stedi.privacy import purge
from stedi.settings import METASTORE_DB

A, B = "a@example.com", "b@example.com"
PROTECTED = ["customer_trusted", "accelerometer_trusted", "step_trainer_trusted",
             "customers_curated", "machine_learning_curated"]


def _customer_id(sc, email):
    return sc.query(f"select to_hex(sha256(to_utf8('{email}')))")[0][0]


def _registered_metadata(sc, model) -> str:
    """The metadata file the metastore names as the table's current state."""
    _, schema, table = sc.table(model).replace('"', "").split(".")
    return _metastore_param(sc.settings, schema, table)


def _metastore_param(settings, schema, table) -> str:
    from stedi.stack.postgres import PostgresService

    return PostgresService(settings).query(
        'select p."PARAM_VALUE" from "TABLE_PARAMS" p join "TBLS" t on p."TBL_ID" = t."TBL_ID" '
        'join "DBS" d on t."DB_ID" = d."DB_ID" '
        f"where d.\"NAME\" = '{schema}' and t.\"TBL_NAME\" = '{table}' "
        "and p.\"PARAM_KEY\" = 'metadata_location'", database=METASTORE_DB)


def _write_consent_data(sc):
    sc.write("customer", "customer-1.json", [
        customer(A, serial="s-a", updated=1_000, consent=5_000),
        customer(B, serial="s-b", updated=1_000, consent=5_000),
    ])
    sc.write("accelerometer", "accel-1.json", [
        reading(A, 1_000), reading(A, 6_000), reading(B, 6_000),
    ])
    sc.write("step_trainer", "step-1.json", [
        step("s-a", 1_000), step("s-a", 6_000), step("s-b", 6_000),
    ])


@pytest.fixture()
def consent(stack, tmp_path):
    sc = Scenario(stack, "consent", tmp_path)
    _write_consent_data(sc)
    sc.load()
    yield sc
    sc.drop()


def test_withdrawal_removes_the_customer_everywhere_and_purge_makes_it_physical(consent):
    consent.build("--full-refresh")
    # default mode keeps readings from before the consent date (A's at 1000)
    assert consent.count("accelerometer_trusted") == 3
    assert consent.count("step_trainer_trusted") == 3
    assert consent.count("machine_learning_curated") == 3
    a = _customer_id(consent, A)
    for model in PROTECTED:
        assert consent.count(model, f"customer_id = '{a}'") >= 1, model

    # A newer record withdraws A's consent; the next (incremental) build removes A.
    consent.write("customer", "customer-2.json",
                  [customer(A, serial="s-a", updated=9_000, consent=None)])
    consent.load()
    consent.build()
    for model in PROTECTED:
        assert consent.count(model, f"customer_id = '{a}'") == 0, model
    assert consent.count("machine_learning_curated") == 1  # B is still there

    # Before the purge, an older snapshot still holds A's readings.
    accel = consent.table("accelerometer_trusted")
    history = accel[:-1] + '$snapshots"'
    first = consent.query(f"select min_by(snapshot_id, committed_at) from {history}")[0][0]
    old = consent.query(f"select count(*) from {accel} for version as of {first}"
                        f" where customer_id = '{a}'")[0][0]
    assert old >= 1

    # The purge check reads the same metadata: it fails on this state ...
    with pytest.raises(StackError):
        dbt_runner.run_dbt(["run-operation", "check_iceberg_purged"], consent.settings, quiet=True)
    # (the purge runs it after its statements, and would fail if they left any;
    # `stedi purge --execute` runs this)
    purge.purge(consent.settings)
    # ... and passes after the purge.
    dbt_runner.run_dbt(["run-operation", "check_iceberg_purged"], consent.settings, quiet=True)
    for model in PROTECTED:
        table = consent.table(model)
        assert consent.query(f'select count(*) from {table[:-1]}$snapshots"')[0][0] == 1, model
        current = consent.query(f'select file_path, content from {table[:-1]}$files"')
        assert all(content == 0 for _, content in current), f"{model}: delete files remain"
        files = {path for path, _ in current}
        # Every object under the table's data folder is a current data file.
        for folder in {path.rsplit("/", 1)[0] for path in files}:
            bucket, prefix = folder.removeprefix("s3://").split("/", 1)
            listing = s3.client(consent.settings).list_objects_v2(
                Bucket=bucket, Prefix=prefix + "/")
            stored = {f"s3://{bucket}/{obj['Key']}" for obj in listing.get("Contents", [])}
            assert stored == {p for p in files if p.startswith(folder + "/")}, model
    with pytest.raises(Exception, match="(?i)snapshot"):
        consent.query(f"select count(*) from {accel} for version as of {first}")

    # The catalog keeps no trace either: each table's entry in the metastore
    # names the purged metadata (the newest, one snapshot), and the catalog's
    # database holds no customer's data at all.
    for model in PROTECTED:
        table = consent.table(model)
        newest = consent.query(f'select file from {table[:-1]}$metadata_log_entries" '
                               "order by timestamp desc limit 1")[0][0]
        assert _registered_metadata(consent, model) == newest, model
    dump = metastore_dump(consent.settings)
    assert "machine_learning_curated" in dump  # the dump does hold the catalog
    for identifier in (A, a, B, _customer_id(consent, B)):
        assert identifier not in dump
    # Nor does it point at a metadata file from before the purge that still
    # exists (previous_metadata_location: it lists the snapshots that held A).
    traces = catalog_traces(consent.settings, [A, a], schema_folder(consent.settings.dbt_schema))
    assert traces == {"names": [], "stale_metadata": {}}, traces


@pytest.fixture()
def nobody(stack, tmp_path):
    sc = Scenario(stack, "nobody", tmp_path)
    sc.write("customer", "customer-1.json", [
        customer(A, serial="s-a", consent=None), customer(B, serial="s-b", consent=0),
    ])
    sc.write("accelerometer", "accel-1.json", [reading(A, 6_000), reading(B, 6_000)])
    sc.write("step_trainer", "step-1.json", [step("s-a", 6_000), step("s-b", 6_000)])
    sc.load()
    yield sc
    sc.drop()


def test_nobody_consenting_builds_empty_tables_that_exist(nobody):
    nobody.build()
    nobody.build("--full-refresh")  # the empty full refresh that drops tables elsewhere
    for model in PROTECTED:
        assert nobody.count(model) == 0, model
    reasons = nobody.query("select outcome_reason, count(*) from {customer_landing_outcome} group by 1")
    assert dict(reasons) == {"no_research_consent": 2}


# Four stories of later deliveries, as disjoint customers of one landing set
# (own emails, serials and times), built with strict consent (none of their
# readings is before its consent but C's first) by `stedi build`: a first build
# (in full), two daily runs (each rewrites only what the new files change), then
# a full refresh that must agree with them, every row of every table.
#   S: serial s-x is A's; B arrives owning it too (a phone reading at 6000,
#      not 8000), then withdraws. A reading that fits two consenting customers
#      belongs to neither (the fulfilment site reused serial numbers).
#   M: moves from serial s-m to s-n (same consent).
#   C: consent moves later (1000 -> 5000): the reading at 2000 leaves (strict
#      consent: the phone reading and the Step Trainer reading before the
#      consent date leave every table, the phone reading's outcome says why).
#   L: consents late (a newer record): the readings delivered before arrive.
SA, SB = "serial.a@example.com", "serial.b@example.com"
M, C = "moved@example.com", "redated@example.com"
L = "late@example.com"
STRICT = {"strict_consent": True}


def _of(sc, email) -> str:
    return f"customer_id = '{_customer_id(sc, email)}'"


def _stories(sc) -> dict:
    """What each story's customers hold in trusted and curated."""
    return {
        "s_steps": sc.query("select sensor_reading_epoch_ms from {step_trainer_trusted}"
                            f" where {_of(sc, SA)} order by 1"),
        "s_others": sc.count("step_trainer_trusted", f"serial_number = 's-x' and not {_of(sc, SA)}"),
        "s_curated": sc.count("machine_learning_curated", "serial_number = 's-x'"),
        "m_serials": sc.query(f"select serial_number from {{step_trainer_trusted}} where {_of(sc, M)}"),
        "m_curated": sc.query("select serial_number from {machine_learning_curated}"
                              f" where {_of(sc, M)}"),
        "c_kept": sc.query("select reading_epoch_ms, consent_version from {accelerometer_trusted}"
                           f" where {_of(sc, C)} order by 1"),
        "c_steps": sc.query("select sensor_reading_epoch_ms from {step_trainer_trusted}"
                            f" where {_of(sc, C)} order by 1"),
        # the phone readings left out as before their customer's consent (C's only)
        "before_consent": sc.count("accelerometer_landing_outcome",
                                   "outcome_reason = 'before_research_consent'"),
        "c_curated": sc.count("machine_learning_curated", _of(sc, C)),
        "l_curated": sc.count("machine_learning_curated", _of(sc, L)),
    }


def test_incremental_runs_follow_later_deliveries_as_a_full_refresh_does(stack, tmp_path):
    sc = Scenario(stack, "later_deliveries", tmp_path)
    sc.write("customer", "customer-1.json", [
        customer(SA, serial="s-x", consent=5_000), customer(M, serial="s-m", consent=5_000),
        customer(C, serial="s-c", consent=1_000), customer(L, serial="s-l")])
    sc.write("accelerometer", "accel-1.json", [
        reading(SA, 6_000), reading(SA, 8_000), reading(M, 26_000),
        reading(C, 2_000), reading(C, 36_000), reading(L, 46_000)])
    sc.write("step_trainer", "step-1.json", [
        step("s-x", 6_000), step("s-x", 7_000), step("s-x", 8_000),
        step("s-m", 26_000), step("s-n", 26_000), step("s-c", 2_000), step("s-c", 36_000),
        step("s-l", 46_000)])
    sc.load()
    try:
        assert sc.daily(STRICT).reason == "no earlier build on record: in full"
        assert _stories(sc) == {
            "s_steps": [[6_000], [8_000]], "s_others": 0, "s_curated": 2,
            "m_serials": [["s-m"]], "m_curated": [["s-m"]],
            "c_kept": [[2_000, 1_000], [36_000, 1_000]], "c_steps": [[2_000], [36_000]],
            "before_consent": 0,
            "c_curated": 2, "l_curated": 0}

        # B arrives on s-x; M moves to s-n; C's consent is re-dated to 5000.
        sc.write("customer", "customer-2.json", [
            customer(SB, serial="s-x", consent=5_000),
            customer(M, serial="s-n", updated=9_000, consent=5_000),
            customer(C, serial="s-c", updated=9_000, consent=5_000),
            customer(L, serial="s-l", updated=9_000, consent=1_000)])
        sc.write("accelerometer", "accel-2.json", [reading(SB, 6_000)])
        sc.load()
        assert sc.daily(STRICT).ran
        second = {"s_steps": [[8_000]], "s_others": 0, "s_curated": 1,
                  "m_serials": [["s-n"]], "m_curated": [["s-n"]],
                  "c_kept": [[36_000, 5_000]], "c_steps": [[36_000]],
                  "before_consent": 1,
                  "c_curated": 1, "l_curated": 1}
        assert _stories(sc) == second

        # B withdraws: the reading at 6000 is A's again.
        sc.write("customer", "customer-3.json",
                 [customer(SB, serial="s-x", updated=9_000, consent=None)])
        sc.load()
        assert sc.daily(STRICT).ran
        incremental = _stories(sc)
        assert incremental == {**second, "s_steps": [[6_000], [8_000]], "s_curated": 2}

        sc.assert_equals_full_refresh(STRICT)
        assert _stories(sc) == incremental
    finally:
        sc.drop()
