"""Every statement the project can send to Athena, rendered offline
(`stedi athena-render`, no AWS), is in a form the AWS documentation shows.

The forms are written once, in docs/athena.md between the `allowed-forms`
markers (pattern, SQLFluff support, AWS page); this module reads them from
there. The rendered statements stay in target/athena/statements.sql for a
reviewer to open.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from test_athena_compile import NOT_FUNCTIONS, SHARED_FUNCTIONS, TRINO_ONLY

STEDI = str(Path(sys.executable).parent / "stedi")
SQLFLUFF = str(Path(sys.executable).parent / "sqlfluff")
OUT = REPO_ROOT / "target" / "athena"
# Functions only hooks and run-operations call, in both engines (Trino docs;
# Presto 0.217 = Athena v2, which v3 includes).
HOOK_FUNCTIONS = {"concat", "with_timezone", "distinct"}
HIVE_DDL = ("create schema", "landing external table", "set iceberg table properties",
            "drop table (pre-flight)", "drop schema (pre-flight)")


def allowed_forms() -> list[dict]:
    text = (REPO_ROOT / "docs" / "athena.md").read_text()
    table = text.split("<!-- allowed-forms:start -->")[1].split("<!-- allowed-forms:end -->")[0]
    forms = []
    for row in table.strip().splitlines()[2:]:
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", row)[1:-1]]
        name, pattern, sqlfluff, source = cells
        forms.append({"form": name, "pattern": re.compile(pattern.strip("`").strip()),
                      "parses": sqlfluff.startswith("parses"), "source": source})
    return forms


def normalised(sql: str) -> str:
    lines = [ln for ln in sql.splitlines() if not ln.lstrip().startswith("--")]
    return re.sub(r"\s+", " ", " ".join(lines)).strip().lower()


def problems(sql: str, forms: list[dict]) -> list[str]:
    """Why a statement is not in a documented form ([] when it is)."""
    text = normalised(sql)
    matched = [f for f in forms if f["pattern"].search(text)]
    if len(matched) != 1:
        return [f"matches {len(matched)} documented forms: {[f['form'] for f in matched]}"]
    form, found = matched[0]["form"], []
    if form in HIVE_DDL and ('"' in text or "awsdatacatalog" in text):
        found.append("Hive DDL with double quotes or a catalog name")
    if form in ("delete", "merge, delete matched rows"):
        target = text.split()[2]
        rest = text.split(target, 1)[1]
        if target in rest:
            found.append(f"reads the table it changes ({target})")
        if re.search(r"\bexists\s*\(", rest):
            found.append("correlated EXISTS / NOT EXISTS")
    for pattern, why in TRINO_ONLY.items():
        if re.search(pattern, sql, flags=re.IGNORECASE):
            found.append(why)
    return found


@pytest.fixture(scope="module")
def rendered() -> list[dict]:
    proc = subprocess.run([STEDI, "athena-render", "--out", str(OUT)], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    print("\n" + proc.stdout)
    return json.loads((OUT / "statements.json").read_text())


def test_every_kind_of_statement_is_rendered(rendered, athena_compiled):
    kinds = Counter(s["kind"] for s in rendered)
    nodes = athena_compiled.manifest["nodes"].values()
    models = sum(n["resource_type"] == "model" for n in nodes)
    tests = sum(n["resource_type"] == "test" for n in nodes)
    assert kinds["model full"] == kinds["model incremental"] == models, kinds
    assert kinds["test"] == tests, kinds
    sources = athena_compiled.manifest["sources"].values()
    # create_landing_tables declares every landing and privacy source
    external = sum(s["source_name"] in ("landing", "privacy") for s in sources)
    assert kinds["on-run-start"] == external >= 3, kinds  # one external table per source
    assert kinds["hook"] >= 1, kinds
    # No model runs a query while it compiles: the requests to be forgotten are
    # read by the typed landing models' own query (is_forgotten_customer).
    queried = {s["origin"] for s in rendered if s["kind"].endswith("(query)")}
    assert queried == set(), queried
    assert kinds["pre-flight"] >= 10, kinds
    origins = {s["origin"].split()[1] for s in rendered if s["kind"] == "run-operation"}
    assert origins == {"purge_iceberg_history", "check_iceberg_purged"}
    sent = [normalised(s["sql"]) for s in rendered if s["kind"] == "hook"]
    assert any(s.startswith("delete from") for s in sent)
    assert (OUT / "statements.sql").read_text().count("\n-- [") == len(rendered)


def test_every_statement_is_in_a_documented_form(rendered):
    forms = allowed_forms()
    assert len(forms) >= 8
    found = {f"{s['kind']} {s['origin']}: {normalised(s['sql'])[:90]}": problems(s["sql"], forms)
             for s in rendered}
    assert not {k: v for k, v in found.items() if v}


def test_the_form_check_rejects_what_athena_does_not_document():
    """Each rule of the check fails on the statement it exists for."""
    forms = allowed_forms()
    bad = {
        'delete from "awsdatacatalog"."s"."t" where not exists '
        '(select 1 from "awsdatacatalog"."s"."c" as c where c.id = "awsdatacatalog"."s"."t".id)':
            "reads the table it changes",
        'delete from "s"."t" where id in (select held.id from "s"."t" as held)':
            "reads the table it changes",
        'delete from "s"."t" where exists (select 1 from "s"."c")': "correlated EXISTS",
        "alter table \"awsdatacatalog\".\"s\".\"t\" set tblproperties ('a'='1')":
            "matches 0 documented forms",
        "alter table `s`.`t` set tblproperties ('a'='1')": None,  # the documented form
        "create or replace table s.t as select 1": "matches 0 documented forms",
        'vacuum "s"."t"': "matches 0 documented forms",
        "update s.t set a = 1": "matches 0 documented forms",
    }
    for sql, expected in bad.items():
        found = problems(sql, forms)
        if expected is None:
            assert not found, (sql, found)
        else:
            assert any(expected in f for f in found), (sql, found)


def test_statements_call_only_functions_both_engines_have(rendered):
    unknown = {}
    for s in rendered:
        code = re.sub(r"'[^']*'", "''", "\n".join(
            ln for ln in s["sql"].splitlines() if not ln.lstrip().startswith("--")))
        for name in re.findall(r"\b([a-z_][a-z0-9_]*)\s*\(", code, flags=re.IGNORECASE):
            name = name.lower()
            if name not in SHARED_FUNCTIONS | NOT_FUNCTIONS | HOOK_FUNCTIONS | {
                    "table", "tblproperties", "string", "with"}:
                unknown.setdefault(name, set()).add(s["kind"])
    assert not unknown, unknown


def test_statements_parse_with_sqlfluff_athena_dialect(rendered, tmp_path):
    forms = allowed_forms()
    for i, s in enumerate(rendered):
        form = next(f for f in forms if f["pattern"].search(normalised(s["sql"])))
        if form["parses"]:
            (tmp_path / f"s{i:04d}.sql").write_text(s["sql"] + "\n")
    proc = subprocess.run(
        [SQLFLUFF, "lint", str(tmp_path), "--dialect", "athena", "--templater", "raw",
         "--format", "json", "--disable-progress-bar", "--nofail"],
        capture_output=True, text=True, check=False)
    results = json.loads(proc.stdout)
    assert len(results) >= 0.9 * len(rendered), proc.stderr
    unparsable = [(Path(r["filepath"]).name, v["description"][:120]) for r in results
                  for v in r["violations"] if v["code"] in ("PRS", "TMP")]
    assert not unparsable, unparsable
