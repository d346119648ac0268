"""Every model, test and macro compiles for the Athena target offline, and the
result is Athena SQL: no AWS credentials, no connection, no Trino-only syntax,
and it parses with SQLFluff's athena dialect.

How it stays offline (conftest.compile_offline): the committed profile with
placeholder values, AWS credentials removed from the environment, and
`dbt compile --no-populate-cache --no-introspect`, so dbt-athena never lists
Glue and dbt fails if any node would run a query while compiling.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import ATHENA_ENV, REPO_ROOT, compile_offline

SQLFLUFF = str(Path(sys.executable).parent / "sqlfluff")

# Constructs that only Trino accepts, each with why. Catalog names: on Athena
# the only catalog is awsdatacatalog. Table properties and CREATE OR REPLACE
# TABLE are Trino DDL (Athena DDL is Hive DDL; CTAS takes table_type=...).
TRINO_ONLY = {
    r'"?\bhive"?\."': 'the Trino "hive" catalog',
    r'"?\biceberg"?\."': 'the Trino "iceberg" catalog',
    r"\bexternal_location\s*=": "Trino Hive table property",
    r"\bformat\s*=\s*'TEXTFILE'": "Trino Hive table property",
    r"\bcreate\s+or\s+replace\s+table\b": "Trino Iceberg DDL",
}


def _compiled_nodes(compiled):
    return [n for n in compiled.manifest["nodes"].values()
            if n["resource_type"] in ("model", "test", "operation")]


def test_compiles_offline_for_athena(athena_compiled):
    print(f"\ndbt compile --target athena (offline): {athena_compiled.seconds:.1f}s")
    assert athena_compiled.manifest["metadata"]["adapter_type"] == "athena"
    models = [n for n in athena_compiled.manifest["nodes"].values()
              if n["resource_type"] == "model"]
    assert len(models) >= 8
    for node in _compiled_nodes(athena_compiled):
        path = athena_compiled.target_path / "compiled" / node["package_name"] / node[
            "original_file_path"]
        assert node.get("compiled_code", "").strip(), node["unique_id"]
        if node["resource_type"] == "model":
            assert path.is_file(), path
            assert path.read_text().strip() == node["compiled_code"].strip()


def test_every_project_macro_was_compiled_for_athena(athena_compiled):
    """Each macro of this project is reached from a compiled node (model, test
    or hook), directly or through another macro, so the compile above covered
    it."""
    manifest = athena_compiled.manifest
    ours = {k for k, m in manifest["macros"].items() if m["package_name"] == "stedi"}
    reached, todo = set(), [m for n in manifest["nodes"].values()
                            for m in n.get("depends_on", {}).get("macros", [])]
    while todo:
        macro = todo.pop()
        if macro not in reached:
            reached.add(macro)
            todo += manifest["macros"].get(macro, {}).get("depends_on", {}).get("macros", [])
    # Run-operations and the pre-flight are not compiled; athena_render.py
    # renders them with everything they call (test_athena_statements.py checks what they send).
    from athena_render import ENTRY_MACROS

    todo = [f"macro.stedi.{name}" for name in ENTRY_MACROS]
    while todo:
        macro = todo.pop()
        if macro not in reached:
            reached.add(macro)
            todo += manifest["macros"].get(macro, {}).get("depends_on", {}).get("macros", [])
    live_only = {
        "macro.stedi.forget_customer": "a run-operation (stedi forget)",
        "macro.stedi.forget_customer_rows": "a run-operation (stedi forget's dry run, local)",
        # compiled only when a run follows the landing delta and the table exists
        # (is_incremental()), which an offline compile never meets
        "macro.stedi.changed_customers": "a daily run's filter and pre-hook (stedi build)",
        "macro.stedi.rewritten_rows": "a daily run's filter and pre-hook (stedi build)",
    }
    reached |= set(live_only)
    # athena__/trino__ variants are called as adapter.dispatch('<family>', 'stedi'),
    # which dbt does not record: one counts when a reached macro dispatches its
    # family, or when it overrides one of dbt's own (trino__persist_docs).
    dispatched = {k for k in ours if k.split(".")[-1].startswith(("athena__", "trino__"))}
    generic = {k for k in ours if k.split(".")[-1].startswith("test_")}
    families = {family for k in reached
                for family in re.findall(r"adapter\.dispatch\('(\w+)'",
                                         manifest["macros"].get(k, {}).get("macro_sql", ""))}
    dbt_names = {m["name"] for m in manifest["macros"].values() if m["package_name"] != "stedi"}
    orphans = {k for k in dispatched
               if k.split("__", 1)[1] not in families | dbt_names}
    missing = (ours - reached - dispatched - generic) | orphans
    assert not missing, sorted(missing)
    # dbt's default generate_schema_name: <target schema>_<folder's +schema>
    schemas = {n["schema"] for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    assert schemas == {"stedi_landing", "stedi_trusted", "stedi_curated", "stedi_audit"}
    hook = next(n for n in manifest["nodes"].values() if n["resource_type"] == "operation")
    assert "create external table" in hook["compiled_code"]  # the athena__ landing DDL


def test_compiled_sql_has_no_trino_only_syntax(athena_compiled):
    found = []
    for node in _compiled_nodes(athena_compiled):
        code = node["compiled_code"]
        for pattern, why in TRINO_ONLY.items():
            if re.search(pattern, code, flags=re.IGNORECASE):
                found.append(f"{node['unique_id']}: {why}")
        # Every three-part name is in the Glue catalog.
        for catalog in re.findall(r'"(\w+)"\."\w+"\."\w+"', code):
            if catalog != "awsdatacatalog":
                found.append(f"{node['unique_id']}: catalog {catalog}")
    assert not found, found


# Functions the compiled SQL may call: ones Athena engine v2 (Presto 0.217)
# already had, since "Athena engine version 3 supports all the features of
# Athena engine version 2" (AWS, engine-versions-reference-0003), and Trino
# 476 has them all. A function outside this list must be checked against
# both engines and added here, or go through a dispatched macro.
SHARED_FUNCTIONS = {
    "bool_and", "cast", "coalesce", "count", "count_if", "date_add", "from_unixtime",
    "json_extract_scalar", "lower", "max", "md5", "min", "row_number", "sha256", "sum",
    "to_hex", "to_utf8", "trim", "try_cast", "upper", "abs", "round", "length",
    "try", "json_parse", "element_at",  # in Presto 0.217 (Athena v2), Trino, Athena v3
    "chr",  # Presto 0.217 string functions: chr(n); Trino the same
    # Presto 0.217 JSON function json_extract(json, path) and UNNEST in FROM
    # (SELECT: "UNNEST can be used to expand an ARRAY"); Trino the same
    # (forget_customer_predicates)
    "json_extract", "unnest",
    "strpos", "substr",  # Presto 0.217 string functions: strpos(string, substring),
                         # substr(string, start); Trino the same (landing_lines)
    # Presto 0.217 array functions contains(x, element), cardinality(x) and regexp
    # function regexp_extract_all(string, pattern); Trino the same
    # (is_forgotten_customer); regexp_like(string, pattern) and the aggregate
    # array_agg(x): Presto 0.217 regexp and aggregate functions; arrays_overlap(x, y)
    # and the lambda function transform(array, function): Presto 0.217 array and
    # lambda functions; Trino the same
    "contains", "cardinality", "regexp_extract_all", "regexp_like", "array_agg",
    "arrays_overlap", "transform",
    # Presto 0.217 aggregate map_agg(key, value) and map function map_keys(x); Trino
    # the same (is_forgotten_customer: the requests as one map)
    "map_agg", "map_keys",
}
# Words followed by "(" that are not function calls.
NOT_FUNCTIONS = {"as", "in", "exists", "over", "where", "and", "or", "not", "on",
                 "values", "from", "select", "join", "using", "timestamp", "varchar",
                 "decimal", "filter", "within", "partition", "by", "when",
                 "map", "row", "array"}  # map(varchar, json), row(...), array(varchar):
                                         # types in a cast


def test_compiled_sql_calls_only_functions_both_engines_have(athena_compiled):
    unknown = {}
    for node in _compiled_nodes(athena_compiled):
        if node["resource_type"] == "operation":
            continue
        code = "\n".join(line for line in node["compiled_code"].splitlines()
                         if not line.lstrip().startswith("--"))
        code = re.sub(r"'[^']*'", "''", code)  # not inside string literals
        for name in re.findall(r"\b([a-z_][a-z0-9_]*)\s*\(", code, flags=re.IGNORECASE):
            name = name.lower()
            if name not in SHARED_FUNCTIONS | NOT_FUNCTIONS:
                unknown.setdefault(name, []).append(node["name"])
    assert not unknown, unknown


def test_landing_ddl_reads_the_same_files_the_same_way_on_both_engines(
        athena_compiled, tmp_path):
    """Athena: Hive DDL, two string columns over the text lines (LazySimpleSerDe,
    default \\001 delimiter, a newline as null marker); Trino: the Hive
    connector's TEXTFILE format with the same settings. Same tables, same
    columns, same prefixes."""
    trino = compile_offline(tmp_path, "local")
    ddl = {}
    for engine, compiled in (("athena", athena_compiled), ("trino", trino)):
        hooks = [n for n in compiled.manifest["nodes"].values()
                 if n["resource_type"] == "operation"]
        assert len(hooks) == 1
        ddl[engine] = [s.strip() for s in hooks[0]["compiled_code"].split(";") if s.strip()]
    assert len(ddl["athena"]) == len(ddl["trino"]) == 4  # + the forget requests

    def shape(statement: str) -> tuple[str, str, str]:
        table = re.search(r"create (?:external )?table if not exists (\S+)", statement,
                          flags=re.IGNORECASE).group(1)
        columns = re.search(r"\(\s*(\S+)\s+(?:string|varchar),\s*(\S+)\s+(?:string|varchar)\s*\)",
                            statement).groups()
        location = re.search(r"location\s*=?\s*'([^']+)'", statement,
                             flags=re.IGNORECASE).group(1)
        return (table.replace("`", "").replace('"', "").split(".")[-1],
                ",".join(c.strip('`"') for c in columns), location)

    # The two compiles used different buckets only if the env differs: compare paths.
    athena = sorted(shape(s) for s in ddl["athena"])
    trino_shapes = sorted(shape(s) for s in ddl["trino"])
    assert [(t, c) for t, c, _ in athena] == [(t, c) for t, c, _ in trino_shapes]
    assert [loc.split("/", 3)[3] for _, _, loc in athena] == \
        [loc.split("/", 3)[3] for _, _, loc in trino_shapes]
    for statement in ddl["athena"]:
        assert re.search(r"row format delimited\s+null defined as '\\n'\s+stored as textfile",
                         statement), statement
        assert "serde" not in statement.lower()  # the default LazySimpleSerDe, as Trino
        assert f"s3://{ATHENA_ENV['STEDI_BUCKET']}/" in statement
    for statement in ddl["trino"]:
        assert "format = 'TEXTFILE'" in statement, statement
        assert "null_format = U&'\\000A'" in statement, statement


def test_compiled_athena_sql_parses_with_sqlfluff_athena_dialect(athena_compiled):
    """Layout rules do not apply to generated SQL; parse errors do."""
    compiled_dir = athena_compiled.target_path / "compiled"
    proc = subprocess.run(
        [SQLFLUFF, "lint", str(compiled_dir), "--dialect", "athena", "--templater", "raw",
         "--format", "json", "--disable-progress-bar", "--nofail"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )
    results = json.loads(proc.stdout)
    assert len(results) >= 40, proc.stderr
    unparsable = [(r["filepath"], v["description"]) for r in results
                  for v in r["violations"] if v["code"] in ("PRS", "TMP")]
    assert not unparsable, unparsable


def test_models_and_tests_lint_with_sqlfluff_athena_dialect():
    """The committed SQLFluff rules pass with the athena dialect as well."""
    proc = subprocess.run(
        [SQLFLUFF, "lint", "models", "tests", "--dialect", "athena"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
