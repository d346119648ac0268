"""The typed landing tables read a sensor line through a direct cast to a ROW when
guards prove that cast reads it exactly as the map path would, and through the
map path (`cast(json_parse(line) as map(varchar, json))` + `try_cast` per field)
otherwise. These lines are the traps of the row cast: Trino matches JSON keys to
row fields case-insensitively, reads a JSON array by position, and a key can
hide in a nested object, behind an escape or inside a string value. Every line
must get the value and the reason the map path gives it. The expected rows below
are what the map path gives (this test passed on the map path alone before the
row cast existed); it fails when the guards are taken out."""

from __future__ import annotations

import pytest
from scenario import Scenario, customer

A = "a@example.com"

# (line as written, expected typed row: email_key, epoch ms, x, rejection_reason)
ACCELEROMETER = [
    ('{"user":"a@example.com","timestamp":1001,"x":1,"y":1,"z":1}',
     (A, 1001, 1.0, None)),
    # a key in another case: the row cast reads it, the map path does not
    ('{"USER":"a@example.com","timestamp":1002,"x":1,"y":1,"z":1}',
     (None, 1002, 1.0, "missing_user")),
    ('{"user":"a@example.com","Timestamp":1003,"x":1,"y":1,"z":1}',
     (A, None, 1.0, "invalid_timestamp")),
    # an array: the row cast reads it by position
    ('["a@example.com",1004,1,1,1]',
     (None, None, None, "malformed_json")),
    # both cases of a key: the map path reads the exact one
    ('{"user":"a@example.com","USER":"b@example.com","timestamp":1005,"x":1,"y":1,"z":1}',
     (A, 1005, 1.0, None)),
    ('{"user":"a@example.com","timestamp":1006,"x":2,"y":1,"z":1,"X":5}',
     (A, 1006, 2.0, None)),
    # the exact key only as a string value, or only in a nested object
    ('{"note":"user","USER":"a@example.com","timestamp":1007,"x":1,"y":1,"z":1}',
     (None, 1007, 1.0, "missing_user")),
    (('{"meta":{"user":"b@example.com"},"USER":"a@example.com","timestamp":1008,'
     '"x":1,"y":1,"z":1}'),
     (None, 1008, 1.0, "missing_user")),
    (('{"user":"a@example.com","timestamp":1009,"x":1,"y":1,"z":1,'
     '"meta":{"USER":"b@example.com","timestamp":1}}'),
     (A, 1009, 1.0, None)),
    # escapes: a key spelt with \u; the text "user": in the key `"user` (a
    # quote, then user), beside a key in another case
    ('{"us\\u0065r":"a@example.com","timestamp":1010,"x":1,"y":1,"z":1}',
     (A, 1010, 1.0, None)),
    (('{"USER":"a@example.com","\\"user":"b@example.com","timestamp":1011,'
     '"x":1,"y":1,"z":1}'),
     (None, 1011, 1.0, "missing_user")),
    # the same key twice: a cast of json_parse(line) to a map refuses it
    ('{"user":"b@example.com","user":"a@example.com","timestamp":1012,"x":1,"y":1,"z":1}',
     (None, None, None, "malformed_json")),
    # numbers as strings, booleans, a number as the user: the casts of today
    ('{"user":"a@example.com","timestamp":"1013","x":"1.5","y":1,"z":1}',
     (A, 1013, 1.5, None)),
    ('{"user":"a@example.com","timestamp":1014,"x":true,"y":1,"z":1}',
     (A, 1014, 1.0, None)),
    ('{"user":12,"timestamp":1015,"x":1,"y":1,"z":1}',
     ("12", 1015, 1.0, None)),
    # nested values, nulls, a number too large, leading white space
    ('{"user":"a@example.com","timestamp":1016,"x":{"v":1},"y":1,"z":1}',
     (A, 1016, None, "invalid_xyz")),
    ('{"user":"a@example.com","timestamp":null,"x":1,"y":1,"z":1}',
     (A, None, 1.0, "invalid_timestamp")),
    ('{"user":"a@example.com","timestamp":12345678901234567890,"x":1,"y":1,"z":1}',
     (A, None, 1.0, "invalid_timestamp")),
    (' {"user":"a@example.com","timestamp":1019,"x":1,"y":1,"z":1}',
     (A, 1019, 1.0, None)),
]

# (line, expected typed row: serial_number, epoch ms, distance, rejection_reason)
STEP_TRAINER = [
    ('{"serialNumber":"s-a","sensorReadingTime":1001,"distanceFromObject":1}',
     ("s-a", 1001, 1.0, None)),
    ('{"SERIALNUMBER":"s-a","sensorReadingTime":1002,"distanceFromObject":1}',
     (None, 1002, 1.0, "missing_serial_number")),
    ('{"serialnumber":"s-a","sensorReadingTime":1003,"distanceFromObject":1}',
     (None, 1003, 1.0, "missing_serial_number")),
    ('["s-a",1004,1]',
     (None, None, None, "malformed_json")),
    ('{"serialNumber":"s-a","sensorReadingtime":1005,"distanceFromObject":1}',
     ("s-a", None, 1.0, "invalid_sensor_reading_time")),
    ('{"serialNumber":"s-a","sensorReadingTime":"1013","distanceFromObject":"2"}',
     ("s-a", 1013, 2.0, None)),
]


@pytest.fixture(scope="module")
def traps(stack, tmp_path_factory):
    sc = Scenario(stack, "row_cast", tmp_path_factory.mktemp("row_cast"))
    sc.write("customer", "customer-1.json", [customer(A, serial="s-a", consent=500)])
    sc.write("accelerometer", "accel-1.json", [line for line, _ in ACCELEROMETER])
    sc.write("step_trainer", "step-1.json", [line for line, _ in STEP_TRAINER])
    sc.load()
    sc.build("--full-refresh")
    yield sc
    sc.drop()


def _expected(cases):
    # The typed tables keep the raw line of rejected lines only.
    return [(*row, line if row[-1] else None) for line, row in cases]


def _key(row):
    return tuple("" if v is None else str(v) for v in row)


def test_accelerometer_trap_lines_read_as_the_map_path_reads_them(traps):
    rows = traps.query("select email_key, reading_epoch_ms, x, rejection_reason, raw_line"
                       " from {accelerometer_landing_typed}")
    assert sorted(map(tuple, rows), key=_key) == sorted(_expected(ACCELEROMETER), key=_key)


def test_step_trainer_trap_lines_read_as_the_map_path_reads_them(traps):
    rows = traps.query("select serial_number, sensor_reading_epoch_ms, distance_from_object,"
                       " rejection_reason, raw_line from {step_trainer_landing_typed}")
    assert sorted(map(tuple, rows), key=_key) == sorted(_expected(STEP_TRAINER), key=_key)


def test_trap_lines_have_the_outcomes_of_their_reasons(traps):
    outcomes = traps.query("select outcome, outcome_reason, count(*)"
                           " from {accelerometer_landing_outcome} group by 1, 2")
    assert {(o, r): n for o, r, n in outcomes} == {
        ("trusted", "trusted_reading"): 8,
        ("excluded", "no_research_consent"): 1,
        ("rejected", "missing_user"): 4,
        ("rejected", "invalid_timestamp"): 3,
        ("rejected", "malformed_json"): 2,
        ("rejected", "invalid_xyz"): 1,
    }
    assert traps.count("accelerometer_trusted") == 8
