"""The rule "a Step Trainer reading that fits two customers is left out" as data:
the build leaves such a reading out, and the singular test
tests/trusted/test_step_trainer_trusted__no_reading_fitting_two_customers.sql
passes on that build and fails on a table that holds one (the model's unit
test, step_trainer_trusted__a_serial_with_two_candidate_owners, checks the same
rule on literals)."""

from __future__ import annotations

import hashlib
import json

import pytest
from scenario import Scenario, customer, reading, step

from stedi import dbt_runner
from stedi.errors import StackError

A, B = "a@example.com", "b@example.com"
TEST = "test_step_trainer_trusted__no_reading_fitting_two_customers"


def test_a_reading_that_fits_two_customers_is_left_out_and_its_test_can_fail(stack, tmp_path):
    sc = Scenario(stack, "two_owners", tmp_path)
    # A and B both consent and own serial s-x; both phones read at 6000, only A's at 8000.
    sc.write("customer", "customer-1.json", [customer(A, serial="s-x", consent=1_000),
                                             customer(B, serial="s-x", consent=1_000)])
    sc.write("accelerometer", "accel-1.json", [reading(A, 6_000), reading(B, 6_000),
                                               reading(A, 8_000)])
    sc.write("step_trainer", "step-1.json", [step("s-x", 6_000), step("s-x", 8_000)])
    sc.load()
    a = hashlib.sha256(A.encode()).hexdigest().upper()
    try:
        sc.build("--full-refresh")  # runs every data test, this one included
        assert sc.query("select customer_id, sensor_reading_epoch_ms"
                        " from {step_trainer_trusted}") == [[a, 8_000]]

        sc.query("insert into {step_trainer_trusted} (step_trainer_reading_id, customer_id,"
                 f" serial_number, sensor_reading_epoch_ms) values ('fits-two', '{a}', 's-x',"
                 " 6000)")
        with pytest.raises(StackError):
            sc.dbt("test", "--select", TEST)
        results = json.loads((dbt_runner.target_dir(sc.settings.project_dir) / "run_results.json")
                             .read_text())["results"]
        assert [(r["unique_id"].split(".")[2], r["status"], r["failures"]) for r in results
                if r["unique_id"].startswith("test.")] == [(TEST, "fail", 1)]
    finally:
        sc.drop()
