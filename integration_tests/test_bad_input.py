"""Bad landing input never fails the build and is never lost: each line is
trusted, excluded with a rule, or rejected with a reason. And lines that are not
what they look like: a raw 0x01 byte (the external tables' field delimiter)
rejects the line whole; a lone \\r ends a line on both engines; a line that is
exactly `\\N` stays text."""

from __future__ import annotations

import gzip
import json

import pytest
from conftest import assert_every_line_accounted_for, line_accounting
from scenario import Scenario, customer, reading, step

from stedi import dbt_runner, lakehouse
from stedi.errors import StackError

A, B = "a@example.com", "b@example.com"


@pytest.fixture(scope="module")
def bad(stack, tmp_path_factory):
    sc = Scenario(stack, "bad_input", tmp_path_factory.mktemp("bad"))
    sc.write("customer", "customer-1.json", [
        customer(A, serial="s-a", consent=500),
        customer(B, serial="s-b", consent=None),
        '{"customerName": "Truncated", "email": "t@example.com"',    # malformed
        '[1, 2, 3]',                                                  # not an object
        '',                                                           # blank line
        {**customer("", consent=500)},                                # missing email
        {**customer("c@example.com", consent=500), "lastUpdateDate": "yesterday"},
        {**customer("d@example.com"), "shareWithResearchAsOfDate": "soon"},
    ])
    sc.write("accelerometer", "accel-1.json", [
        reading(A, 1_000), reading(A, 1_000),                         # delivered twice
        reading(A, 2_000),
        reading(B, 1_000),                                            # no consent
        reading("nobody@example.com", 1_000),                         # unknown user
        '{"user": "a@example.com", "timestamp": ',                    # malformed
        {"user": A, "timestamp": "noon", "x": 1, "y": 1, "z": 1},     # bad timestamp
        {"user": A, "timestamp": 3_000, "x": "left", "y": 1, "z": 1}, # bad x
        {"timestamp": 4_000, "x": 1, "y": 1, "z": 1},                 # missing user
    ])
    sc.write("step_trainer", "step-1.json", [
        step("s-a", 1_000), step("s-a", 1_000),                       # delivered twice
        step("s-a", 5_000),                                           # no phone reading then
        step("s-b", 1_000),                                           # serial not curated
        {"sensorReadingTime": 1_000, "serialNumber": None, "distanceFromObject": 1},
        {"sensorReadingTime": 1_000, "serialNumber": "s-a", "distanceFromObject": "far"},
        "not json at all",
    ])
    sc.load()
    sc.build()
    yield sc
    sc.drop()


def _reasons(sc, entity):
    rows = sc.query(f"select outcome, outcome_reason, count(*) from {{{entity}_landing_outcome}}"
                    " group by 1, 2")
    return {(outcome, reason): n for outcome, reason, n in rows}


def test_customer_lines_are_all_accounted_for(bad):
    assert _reasons(bad, "customer") == {
        ("trusted", "current_consenting_record"): 1,
        ("excluded", "no_research_consent"): 1,
        ("rejected", "malformed_json"): 3,
        ("rejected", "missing_email"): 1,
        ("rejected", "invalid_last_update_date"): 1,
        ("rejected", "invalid_research_consent_date"): 1,
    }
    assert bad.count("customer_landing") == 8
    assert bad.count("customer_trusted") == 1


def test_accelerometer_lines_are_all_accounted_for(bad):
    assert _reasons(bad, "accelerometer") == {
        ("trusted", "trusted_reading"): 2,
        ("excluded", "duplicate_reading"): 1,
        ("excluded", "no_research_consent"): 2,
        ("rejected", "malformed_json"): 1,
        ("rejected", "invalid_timestamp"): 1,
        ("rejected", "invalid_xyz"): 1,
        ("rejected", "missing_user"): 1,
    }
    assert bad.count("accelerometer_trusted") == 2


def test_step_trainer_lines_are_all_accounted_for(bad):
    assert _reasons(bad, "step_trainer") == {
        ("trusted", "trusted_reading"): 1,
        ("excluded", "duplicate_reading"): 1,
        ("excluded", "no_phone_reading_at_time"): 1,
        ("excluded", "serial_not_curated"): 1,
        ("rejected", "missing_serial_number"): 1,
        ("rejected", "invalid_distance_from_object"): 1,
        ("rejected", "malformed_json"): 1,
    }
    assert bad.count("step_trainer_trusted") == 1
    assert bad.count("machine_learning_curated") == 1


def test_rejected_views_keep_the_line_and_its_file(bad):
    rows = bad.query("select source_file, raw_line, rejection_reason"
                     " from {accelerometer_landing_rejected} order by rejection_reason")
    assert {r[2] for r in rows} == {"invalid_timestamp", "invalid_xyz", "malformed_json",
                                   "missing_user"}
    assert all(r[0].endswith("/accelerometer/landing/accel-1.json") for r in rows)
    assert '{"user": "a@example.com", "timestamp": ' in {r[1] for r in rows}


def test_reconciliation_test_ran_and_passed(bad):
    bad.dbt("test", "--select", "test_landing__every_line_accounted_for")
    results = json.loads((dbt_runner.target_dir(bad.settings.project_dir) / "run_results.json").read_text())
    tests = [(r["unique_id"].split(".")[2], r["status"]) for r in results["results"]
             if r["unique_id"].startswith("test.")]
    assert tests == [("test_landing__every_line_accounted_for", "pass")]
    cursor = bad.trino.connect().cursor()
    for entity in lakehouse.ENTITIES:
        assert_every_line_accounted_for(line_accounting(cursor, bad.settings, entity))


def test_reconciliation_test_fails_when_a_trusted_row_has_no_landing_line(bad):
    """The dbt test can fail: a reading planted in accelerometer_trusted that no
    landing line holds is caught, and so is a kept reading taken out."""
    table = bad.table("accelerometer_trusted")
    built = bad.query(f'select snapshot_id from {table[:-1]}$snapshots"'
                      " order by committed_at desc limit 1")[0][0]

    def restore():
        """The rows the build wrote (its snapshot), back without a rebuild."""
        bad.query(f"delete from {table}")
        bad.query(f"insert into {table} select * from {table} for version as of {built}")
        # the same rows as then, each as many times (the build's tests passed on them)
        assert bad.query(f"select (select count(*) from {table}), count(*) from {table}"
                         f" for version as of {built}") == bad.query(
            f"select count(*), count(*) from ((select * from {table}) intersect all"
            f" (select * from {table} for version as of {built}))")

    try:
        bad.query(f"insert into {table} select accelerometer_reading_id || 'x', customer_id,"
                  f" reading_epoch_ms + 1, reading_at, x, y, z, consent_version,"
                  f" landing_file_modified_at from {table} limit 1")
        with pytest.raises(StackError, match="every_line_accounted_for"):
            bad.dbt("test", "--select", "test_landing__every_line_accounted_for")
    finally:
        restore()
    bad.query(f"delete from {table} where reading_epoch_ms = (select min(reading_epoch_ms)"
              f" from {table})")
    try:
        with pytest.raises(StackError, match="every_line_accounted_for"):
            bad.dbt("test", "--select", "test_landing__every_line_accounted_for")
    finally:
        restore()


def test_unreadable_landing_file_is_an_error_naming_the_file(bad):
    """A corrupt gzip file cannot be read at all: the build fails and says which file."""
    broken = bad.folder / "accelerometer" / "landing" / "accel-2.json.gz"
    broken.write_bytes(gzip.compress(b'{"user": "a@example.com"}\n')[:-12])
    bad.load()
    try:
        with pytest.raises(StackError, match=r"accel-2\.json\.gz"):
            bad.build("--select", "accelerometer_trusted")
    finally:
        broken.unlink()
        bad.load()


# --------------------------------------------------------------------------- #
# Bytes that change what a line is
# --------------------------------------------------------------------------- #
ODD_PLAIN = "plain@example.com"
ODD_HIDDEN = "hidden@example.com"  # only in lines that are not what they look like


@pytest.fixture(scope="module")
def odd_lines(stack, tmp_path_factory):
    sc = Scenario(stack, "odd_lines", tmp_path_factory.mktemp("odd"))
    good = json.dumps(customer(ODD_PLAIN, serial="s-1", consent=1_000))
    hidden = json.dumps(customer(ODD_HIDDEN, serial="s-2", consent=1_000))
    folder = sc.folder / "customer" / "landing"
    # Written as bytes: each line's terminator is exactly what is shown.
    (folder / "customer-1.json").write_bytes(
        (good + "\n"
         + hidden + "\x01trailing text\n"            # a valid record, then 0x01
         + "\\N\n"                                    # Hive's default null marker
         + hidden.replace(", ", ",\r", 1) + "\n"      # a lone CR inside a record
         ).encode()
    )
    sc.write("accelerometer", "accel-1.json", [
        json.dumps(reading(ODD_PLAIN, 1_000)) + "\r",              # ends in \r\n
        json.dumps(reading(ODD_PLAIN, 2_000)) + "\x01",
        json.dumps(reading(ODD_PLAIN, 3_000)) + "\r" + json.dumps(reading(ODD_PLAIN, 4_000)),
    ])
    sc.write("step_trainer", "step-1.json", [
        step("s-1", 1_000), json.dumps(step("s-1", 2_000)) + "\x01\\N",
    ])
    sc.load()
    sc.build()
    yield sc
    sc.drop()


def test_a_line_with_a_raw_0x01_byte_is_rejected_whole(odd_lines):
    sc = odd_lines
    rows = sc.query("select raw_line, rejection_reason from {customer_landing_rejected}"
                    " where rejection_reason = 'field_delimiter_in_line'")
    assert len(rows) == 1
    assert rows[0][0].endswith("\x01trailing text")  # the whole line, for the quarantine
    trusted = {row[0] for row in sc.query("select email from {customer_trusted}")}
    assert trusted == {ODD_PLAIN}  # the record before the byte is not read
    for entity, whole in (("accelerometer", 1), ("step_trainer", 1)):
        reasons = dict(sc.query(f"select rejection_reason, count(*) from {{{entity}_landing_typed}}"
                                " where rejection_reason is not null group by 1"))
        assert reasons.get("field_delimiter_in_line") == whole, (entity, reasons)
    # Even when the text after the byte is the null marker `\N`.
    assert sc.query("select raw_line from {step_trainer_landing_rejected}"
                    " where rejection_reason = 'field_delimiter_in_line'")[0][0].endswith(
        "\x01\\N")


def test_a_lone_carriage_return_ends_a_line(odd_lines):
    """Hadoop's LineReader (Athena) and Trino's text reader both end a line at
    \\n, \\r\\n or a lone \\r, like Python's universal newlines: the split record
    is two malformed lines, two records split by \\r are two good lines, and a
    line ending in \\r\\n is one line without the \\r."""
    sc = odd_lines
    assert sc.count("customer_landing") == 5
    halves = sc.query("select raw_line from {customer_landing_rejected}"
                      " where rejection_reason = 'malformed_json' and raw_line like '%hidden%'")
    assert len(halves) == 1  # the second half names the email, the first does not
    # the two halves and the `\N` line
    assert sc.count("customer_landing_rejected", "rejection_reason = 'malformed_json'") == 3
    assert sc.count("accelerometer_landing") == 4  # \r\n ends one line, not two
    assert sc.count("accelerometer_landing", "raw_line like '%' || chr(13)") == 0
    assert sc.count("accelerometer_trusted") == 3  # 1000, 3000, 4000: the \r split both


def test_a_line_that_is_exactly_backslash_n_stays_text(odd_lines):
    rows = odd_lines.query("select raw_line, rejection_reason from {customer_landing_rejected}"
                           " where raw_line = '\\N'")
    assert rows == [["\\N", "malformed_json"]]
    assert odd_lines.count("customer_landing", "raw_line is null") == 0
