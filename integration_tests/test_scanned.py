"""What a run read (src/stedi/pipeline/scanned.py): dbt-athena's run_results.json and
Trino's query texts put to their dbt node, summed per model, priced as Athena
bills (USD per TB, rounded up to the MB, 10 MB minimum per query)."""

from __future__ import annotations

import json
import subprocess

from conftest import STEDI

from stedi.pipeline import scanned


def _run_results(tmp_path, scans: dict) -> str:
    path = tmp_path / "run_results.json"
    path.write_text(json.dumps({"results": [
        {"unique_id": uid, "status": "success",
         "adapter_response": {"_message": "OK", "data_scanned_in_bytes": n}}
        for uid, n in scans.items()] + [
        {"unique_id": "model.stedi.customer_landing_current", "status": "success",
         "adapter_response": {}}]}))
    return str(path)


def test_athena_run_results_are_summed_per_model_and_priced(tmp_path):
    path = _run_results(tmp_path, {
        "model.stedi.accelerometer_landing_typed": 3 * 10**9,
        "model.stedi.customer_trusted": 1,
        "test.stedi.not_null_customer_trusted_customer_id.abc": 5 * 10**6,
        "test.stedi.unique_customer_trusted_customer_id.def": 7 * 10**6,
    })
    read = scanned.from_run_results(path)
    assert read["model accelerometer_landing_typed"] == [3 * 10**9, 1]
    assert "model customer_landing_current" not in read       # a view: nothing scanned
    text = scanned.summary(read)
    assert "model accelerometer_landing_typed" in text
    assert "tests" in text and "12.0" in text                  # the two tests, summed
    # 3 GB rounded up to the MB, then three queries at the 10 MB minimum
    billed = -(-3 * 10**9 // 2**20) * 2**20 + 3 * 10 * 2**20
    assert abs(scanned.cost_usd(read) - billed / 1e12 * scanned.USD_PER_TB) < 1e-9

    out = subprocess.run([STEDI, "scanned", path], capture_output=True, text=True, check=True)
    assert out.stdout == text + "\n"


def test_a_trino_query_is_put_to_the_node_dbt_sent_it_for():
    comment = ('/* {"app": "dbt", "dbt_version": "1.11.0", "profile_name": "stedi", '
               '"target_name": "local", "node_id": "model.stedi.customer_trusted"} */')
    assert scanned.node_of(comment + "\ncreate or replace table x as select 1") == \
        "model customer_trusted"
    assert scanned.node_of('/* {"node_id": "test.stedi.unique_x_id.4f2a"} */ select 1') == \
        "test unique_x_id.4f2a"
    assert scanned.node_of("select 1") == "other"
    # dbt-trino's insert of a contracted model (customers_curated, ...) has no comment
    assert scanned.node_of('insert into "iceberg"."s_curated"."customers_curated"\n    (\n'
                           '    select customer_id from (select 1)') == "model customers_curated"
    assert scanned.size_bytes("12.5MB") == 12_500_000 and scanned.size_bytes("0B") == 0
