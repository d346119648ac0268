"""dbt-score, the dbt metadata linter, rates the project 10.0 with every rule it
ships on ([tool.dbt-score] in pyproject.toml): every model and seed has a
description, column descriptions, an owner (meta.owner) and, for a model, an
example query; every macro, adapter variants included, has a description and
described arguments."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import REPO_ROOT

DBT_SCORE = str(Path(sys.executable).parent / "dbt-score")


def test_dbt_score_is_ten_with_every_rule_on(athena_compiled, tmp_path):
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["dbt-score"]
    assert config["disabled_rules"] == []
    assert config["fail_project_under"] == config["fail_any_item_under"] == 10.0
    proc = subprocess.run(
        [DBT_SCORE, "lint", "--manifest", str(athena_compiled.target_path / "manifest.json"),
         "--format", "json"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    report = json.loads(proc.stdout)
    failing = {name: [r for r, v in item["results"].items() if v["result"] != "OK"]
               for name, item in report["evaluables"].items() if item["score"] < 10.0}
    print(f"\ndbt-score: project {report['project']['score']}, "
          f"{len(report['evaluables'])} models, seeds and macros")
    assert not failing, failing
    assert report["project"]["score"] == 10.0
    assert proc.returncode == 0, proc.stderr


SQL_WORDS = {"select", "from", "where", "group", "by", "order", "limit", "count", "min",
             "max", "as", "and", "or", "desc", "asc"}


def test_each_models_example_query_reads_that_model_and_its_columns(athena_compiled):
    """The example query dbt-score asks for stays true: it reads the model in its
    own schema and names only the model's columns (and its own aliases)."""
    import re

    wrong = {}
    for node in athena_compiled.manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        [sql] = re.findall(r"```sql\n(.*?)```", node["description"], flags=re.DOTALL)
        sql = re.sub(r"'[^']*'", "''", sql.lower())
        relations = re.findall(r"\bfrom\s+([\w.]+)", sql)
        aliases = set(re.findall(r"\bas\s+(\w+)", sql))
        words = set(re.findall(r"\b[a-z_][a-z0-9_]*\b", re.sub(r"\bfrom\s+[\w.]+", "", sql)))
        unknown = words - SQL_WORDS - aliases - set(node["columns"])
        if relations != [f"{node['schema']}.{node['name']}"] or unknown:
            wrong[node["name"]] = (relations, sorted(unknown))
    assert not wrong, wrong
