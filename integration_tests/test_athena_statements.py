"""Every statement the project can send to Athena, rendered offline
(integration_tests/athena_render.py, no AWS), is in a form the AWS
documentation shows and under Athena's size limit; and every dbt command
docs/athena.md tells a user to run on Athena sends only those (that they
parse, with dbt's own parser, is test_docs_true.py's).

The forms are written once, in docs/athena-evidence.md between the `allowed-forms`
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
from athena_render import (
    ATHENA_QUERY_BYTES,
    COMMANDS,
    FORGET_ID,
    WRAPPER_BYTES,
    Statement,
    by_command,
)
from conftest import REPO_ROOT
from doc_claims import commands, is_athena, prose_dbt_commands
from test_athena_compile import NOT_FUNCTIONS, SHARED_FUNCTIONS, TRINO_ONLY

RENDER = REPO_ROOT / "integration_tests" / "athena_render.py"
DOCS = REPO_ROOT / "docs" / "athena.md"
SQLFLUFF = str(Path(sys.executable).parent / "sqlfluff")
OUT = REPO_ROOT / "target" / "athena"
# Functions only hooks and run-operations call, in both engines (Trino docs;
# Presto 0.217 = Athena v2, which v3 includes).
HOOK_FUNCTIONS = {"concat", "with_timezone", "distinct"}
HIVE_DDL = ("create schema", "landing external table", "set iceberg table properties",
            "drop table")


def allowed_forms() -> list[dict]:
    text = (REPO_ROOT / "docs" / "athena-evidence.md").read_text()
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
    if form == "delete":
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
    proc = subprocess.run([sys.executable, str(RENDER), "--out", str(OUT)], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    print("\n" + proc.stdout)
    return json.loads((OUT / "statements.json").read_text())


def test_every_kind_of_statement_is_rendered(rendered, athena_compiled):
    kinds = Counter(s["kind"] for s in rendered)
    manifest = athena_compiled.manifest
    nodes = manifest["nodes"].values()
    models = sum(n["resource_type"] == "model" for n in nodes)
    tests = sum(n["resource_type"] == "test" for n in nodes)
    assert kinds["model full"] == kinds["model incremental"] == models, kinds
    assert kinds["test"] == tests, kinds
    # dbt build creates each model's and seed's Glue database
    schemas = {n["schema"] for n in nodes if n["resource_type"] in ("model", "seed")}
    assert {normalised(s["sql"]) for s in rendered if s["kind"] == "create schema"} == {
        f"create schema if not exists `{schema}`" for schema in schemas}
    # on-run-start as a build runs it: its databases and one external table
    # per landing/privacy source
    hook = [normalised(s["sql"]) for s in rendered if s["kind"] == "on-run-start"]
    external = sum(s["source_name"] in ("landing", "privacy")
                   for s in manifest["sources"].values())
    assert sum(h.startswith("create external table") for h in hook) == external >= 3, hook
    assert sum(h.startswith("create schema") for h in hook) >= 2, hook
    assert kinds["hook"] >= 1, kinds
    # No model runs a query while it compiles: the requests to be forgotten are
    # read by the typed landing models' own query (is_forgotten_customer).
    queried = {s["origin"] for s in rendered if s["kind"].endswith("(query)")}
    assert queried == set(), queried
    assert kinds["pre-flight"] >= 10, kinds
    # the pre-flight runs the project's purge check on its scratch table
    checks = [normalised(s["sql"]) for s in rendered if s["kind"] == "pre-flight"
              and "check_iceberg_purged" in s["origin"]]
    assert any("$snapshots" in c for c in checks) and any("$files" in c for c in checks), checks
    origins = {s["origin"].split()[1] for s in rendered if s["kind"] == "run-operation"}
    assert origins == {"purge_iceberg_history", "check_iceberg_purged", "forget_customer",
                       "iceberg_file_references"}
    # the purge check's SQL half reads each table's references on the engine
    references = [normalised(s["sql"]) for s in rendered
                  if "iceberg_file_references" in s["origin"]]
    assert references and all("$files" in r and "$manifests" in r and "$snapshots" in r
                              for r in references), references
    sent = [normalised(s["sql"]) for s in rendered if s["kind"] == "hook"]
    assert any(s.startswith("delete from") for s in sent)
    assert (OUT / "statements.sql").read_text().count("\n-- [") == len(rendered)


def test_the_branches_a_running_lake_takes_are_rendered(rendered):
    """is_incremental() true: the typed landing models read only new files;
    both builds read the erasure requests as data; forget_customer's DELETE
    and purge per table."""
    full = {s["origin"]: s["sql"] for s in rendered if s["kind"] == "model full"}
    incremental = {s["origin"]: s["sql"] for s in rendered if s["kind"] == "model incremental"}
    typed = [o for o in incremental if o.endswith("_landing_typed")]
    assert len(typed) == 3, typed
    for origin in typed:
        assert '"$path" not in (select distinct loaded.source_file' in incremental[origin], origin
        assert '"$path" not in' not in full[origin], origin
    assert sum("forgotten_customers" in sql for sql in incremental.values()) >= 2
    forget = [normalised(s["sql"]) for s in rendered
              if s["kind"] == "run-operation" and "forget_customer" in s["origin"]]
    deletes = [sql for sql in forget if sql.startswith("delete from")]
    built = {sql.split()[2] for sql in deletes}
    assert len(built) == len(deletes) >= 6, deletes
    assert all(FORGET_ID.lower() in sql or "serial_number" in sql for sql in deletes)
    assert sum(sql.startswith("vacuum ") for sql in forget) == len(deletes)


def test_every_statement_is_under_athenas_size_limit(rendered):
    """Athena: "262,144 bytes", not adjustable (service-limits.html); a model
    body leaves WRAPPER_BYTES for dbt-athena's CTAS/MERGE wrapper around it."""
    sizes = {f"{s['kind']} {s['origin']}": len(s["sql"].encode()) for s in rendered}
    longest = max(sizes, key=sizes.get)
    print(f"\n{len(sizes)} statements, longest {sizes[longest]:,} bytes: {longest}")
    too_big = {k: n for k, n in sizes.items()
               if n + (WRAPPER_BYTES if k.startswith("model") else 0) >= ATHENA_QUERY_BYTES}
    assert not too_big, too_big


def _documented_athena_dbt_commands() -> list[list[str]]:
    """The words of every dbt command for Athena that docs/athena.md gives
    (also behind `stedi locked --aws --`); test_docs_true.py parses them."""
    found = [c.words for c in commands(DOCS) + prose_dbt_commands(DOCS) if is_athena(c)]
    return [words[words.index("dbt"):] for words in found if "dbt" in words]


def _what(words: list[str]) -> str:
    """`build`, `run`, or the run-operation's macro: what a command sends."""
    return words[2] if words[1] == "run-operation" else words[1]


def test_every_documented_athena_command_has_its_statements_rendered(rendered):
    """Each dbt command of docs/athena.md that sends project SQL is one of the
    renderer's commands, and each sends at least one rendered statement."""
    documented = {_what(words) for words in _documented_athena_dbt_commands()}
    assert len(documented) >= 4, documented
    covered = {_what(c.split()) for c, _, _ in COMMANDS if c.startswith("dbt ")}
    assert documented - {"debug", "docs"} <= covered, documented - covered
    rows = by_command([Statement(**s) for s in rendered])
    print("\n" + "\n".join(f"{n:>5}  longest {b:>8,} bytes  {c}" for c, n, b in rows))
    assert all(n >= 1 for _, n, _ in rows), rows


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
        # `AS alias (column)` names an UNNEST's columns: not a call
        for name in re.findall(r"(?<!\bas )\b([a-z_][a-z0-9_]*)\s*\(", code,
                               flags=re.IGNORECASE):
            name = name.lower()
            if name not in SHARED_FUNCTIONS | NOT_FUNCTIONS | HOOK_FUNCTIONS | {
                    "table", "tblproperties", "string", "with"}:
                unknown.setdefault(name, set()).add(s["kind"])
    assert not unknown, unknown


def test_statements_parse_with_sqlfluff_athena_dialect(rendered, tmp_path):
    forms = allowed_forms()
    written = 0
    for i, s in enumerate(rendered):
        form = next(f for f in forms if f["pattern"].search(normalised(s["sql"])))
        if form["parses"]:
            # CREATE (DATABASE|SCHEMA) are one statement (create-database.html);
            # SQLFluff's athena dialect knows the DATABASE spelling only
            sql = re.sub(r"^create schema\b", "create database", s["sql"], flags=re.IGNORECASE)
            (tmp_path / f"s{i:04d}.sql").write_text(sql + "\n")
            written += 1
    proc = subprocess.run(
        [SQLFLUFF, "lint", str(tmp_path), "--dialect", "athena", "--templater", "raw",
         "--format", "json", "--disable-progress-bar", "--nofail"],
        capture_output=True, text=True, check=False)
    results = json.loads(proc.stdout)
    assert len(results) == written >= 0.8 * len(rendered), proc.stderr
    unparsable = [(Path(r["filepath"]).name, v["description"][:120]) for r in results
                  for v in r["violations"] if v["code"] in ("PRS", "TMP")]
    assert not unparsable, unparsable


# The Glue actions each Hive DDL form needs (AWS: "Configure access to databases
# and tables in the AWS Glue Data Catalog", fine-grained-access-to-glue-resources.html,
# its examples of database- and table-level permissions: CREATE DATABASE needs
# glue:CreateDatabase; DROP DATABASE glue:DeleteDatabase; CREATE TABLE
# glue:CreateTable; DROP TABLE glue:DeleteTable; ALTER TABLE glue:UpdateTable).
GLUE_ACTIONS = {
    "create schema": {"CreateDatabase", "GetDatabase"},
    "drop schema": {"DeleteDatabase", "GetDatabase"},  # no documented form: kept as a guard
    "landing external table": {"CreateTable", "GetDatabase"},
    "iceberg ctas (pre-flight)": {"CreateTable", "GetDatabase"},
    "drop table": {"DeleteTable", "GetTable"},
    "set iceberg table properties": {"UpdateTable", "GetTable"},
}


def _granted_glue_actions() -> set[str]:
    """The Glue actions the documented dbt role is granted (docs/athena.md,
    Permissions of the dbt role), without any granted only optionally."""
    text = DOCS.read_text()
    glue = text.split("- **Glue:**", 1)[1].split("\n- **", 1)[0]
    glue = re.sub(r"\([^)]*\)", "", glue)  # "(`X` only if ...)": optional, not granted
    return set(re.findall(r"`(\w+)`", glue))


def test_the_documented_role_may_send_every_statement(rendered):
    """Every Athena statement rendered (builds, run-operations and the
    pre-flight) needs only Glue actions the documented policy grants."""
    forms, granted = allowed_forms(), _granted_glue_actions()
    assert {"CreateDatabase", "CreateTable", "DeleteTable", "UpdateTable"} <= granted, granted
    assert {f["form"].lower() for f in forms} >= set(GLUE_ACTIONS) - {"drop schema"}
    missing = {}
    for s in rendered:
        form = next(f["form"] for f in forms if f["pattern"].search(normalised(s["sql"])))
        need = GLUE_ACTIONS.get(form.lower(), set()) - granted
        if need:
            missing[f"{s['kind']} {s['origin']}: {normalised(s['sql'])[:60]}"] = sorted(need)
    assert not missing, missing


def _documented_lifecycle() -> dict:
    text = (REPO_ROOT / "docs" / "athena-evidence.md").read_text()
    block = text.split("<!-- lifecycle:start -->")[1].split("<!-- lifecycle:end -->")[0]
    return json.loads(block.strip().removeprefix("```json").removesuffix("```"))


def test_the_documented_lifecycle_rule_makes_an_erasure_physical():
    """docs/athena-evidence.md's lifecycle rule is a valid PutBucketLifecycleConfiguration
    body by the S3 API's own schema (botocore's service model, offline), covers
    the whole bucket, and expires noncurrent versions after 1 day (the bound the
    page states), delete markers, and incomplete uploads."""
    import botocore.session
    from botocore.validate import ParamValidator

    config = _documented_lifecycle()
    model = botocore.session.get_session().get_service_model("s3")
    shape = model.operation_model("PutBucketLifecycleConfiguration").input_shape
    report = ParamValidator().validate(
        {"Bucket": "stedi-lake", "LifecycleConfiguration": config}, shape)
    assert not report.has_errors(), report.generate_report()
    [rule] = config["Rules"]
    assert rule["Status"] == "Enabled" and rule["Filter"] == {"Prefix": ""}
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 1}
    assert rule["Expiration"] == {"ExpiredObjectDeleteMarker": True}
    assert rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] >= 1
    assert "2 days after the purge" in (REPO_ROOT / "docs" / "athena-evidence.md").read_text()
