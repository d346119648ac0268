"""`dbt docs generate` works against the local stack, and the catalog it reads
from the warehouse agrees with the documentation: every relation dbt builds is
in it, and every column the warehouse has is described in the YAML."""

from __future__ import annotations

import json
import time

from stedi import dbt_runner


def test_docs_generate_against_local_stack(built, settings, tmp_path):
    start = time.monotonic()
    dbt_runner.run_dbt(["docs", "generate", "--target-path", str(tmp_path)], settings)
    print(f"\ndbt docs generate (local): {time.monotonic() - start:.1f}s")
    catalog = json.loads((tmp_path / "catalog.json").read_text())
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert not catalog.get("errors")
    assert (tmp_path / "index.html").is_file()

    models = {k: n for k, n in manifest["nodes"].items() if n["resource_type"] == "model"}
    assert set(models) <= set(catalog["nodes"]), set(models) - set(catalog["nodes"])
    assert {k for k, s in manifest["sources"].items()} <= set(catalog["sources"])

    undocumented = []
    for unique_id, entry in [*catalog["nodes"].items(), *catalog["sources"].items()]:
        node = manifest["nodes"].get(unique_id) or manifest["sources"][unique_id]
        if node["resource_type"] == "seed":
            continue
        documented = {c.lower() for c, col in node["columns"].items()
                      if col["description"].strip()}
        undocumented += [f"{unique_id}.{c}" for c in entry["columns"]
                         if c.lower() not in documented]
    assert not undocumented, undocumented

    # The lineage graph the docs site draws: landing -> trusted -> curated.
    parents = manifest["parent_map"]
    assert "source.stedi.landing.customer_landing" in parents[
        "model.stedi.customer_landing_typed"]
    assert "model.stedi.customer_landing_typed" in parents[
        "model.stedi.customer_landing_current"]
    assert "model.stedi.customer_landing_current" in parents["model.stedi.customer_trusted"]
    assert "model.stedi.customer_trusted" in parents["model.stedi.customers_curated"]
    assert manifest["exposures"]["exposure.stedi.step_detection_training"]["depends_on"][
        "nodes"] == ["model.stedi.machine_learning_curated"]
