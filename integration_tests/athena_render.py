"""Every statement the project can send to Athena, rendered offline: a
development tool (CI and a reviewer), not part of the product.

    python integration_tests/athena_render.py [--out target/athena]

No AWS account is reachable from here, so what Athena would receive is
rendered by dbt itself, for the athena target, without a connection: dbt
parses the project, then this module compiles every model, test and hook and
calls every run-operation, in the situations the documented Athena commands
(docs/athena.md) meet:

    first build   nothing exists yet: `create schema` for each Glue database,
                  model bodies as a full build
    daily run     every model exists: model bodies as an incremental run
                  (is_incremental() true), their pre/post-hooks, the
                  run-operations (purge, purge check, forget_customer). Erasure
                  requests are data the typed landing models and
                  forget_customer join (the privacy source), so the SQL is the
                  same with none or many, for a person with one reading or many.

dbt unit tests are not rendered: every documented Athena command excludes them
(`--exclude-resource-type unit_test`; test_athena_statements.py checks the
docs), so Athena never receives their SQL.

dbt-athena's connection is replaced by a *recorder*: it never connects; it
writes down each statement a macro sends and answers it with one fixed row
(a count of 1, a file list of one file, a timestamp),
so that every branch that sends a statement is taken. What the recorder
answers is not checked, only what it was sent: this renders, it tests nothing
about Athena. Statements that dbt-athena's materializations generate
themselves (the CTAS wrapper, MERGE for incremental models, renames, Glue
calls) are dbt-athena's and are not rendered here (docs/athena.md lists them
with their sources).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from stedi.athena.preflight import call_macro, dbt_session

# Placeholder account values: the renderer needs the profile to render, never
# an account. Anything the user exported for a real run is ignored here.
OFFLINE_ENV = {
    "STEDI_AWS_REGION": "eu-west-1",
    "STEDI_ATHENA_WORKGROUP": "stedi-render",
    "STEDI_ATHENA_RESULTS": "s3://stedi-render-athena-results/dbt/",
    "STEDI_BUCKET": "stedi-render-lake",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_EC2_METADATA_DISABLED": "true",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
}

# Athena's cap on one statement: "262,144 bytes", not adjustable (AWS:
# https://docs.aws.amazon.com/athena/latest/ug/service-limits.html). A model
# body must leave room for dbt-athena's CTAS/MERGE wrapper and dbt's query
# comment around it: WRAPPER_BYTES is that room (the wrapper is the column
# list and a few clauses; 16 KiB is ample for this project's widest model).
ATHENA_QUERY_BYTES = 262_144
WRAPPER_BYTES = 16_384

# The erasure request a rendered forget_customer erases (the SHA-256 of an
# example address, as `stedi forget` computes it). Its only argument: the
# readings attributed to the person are read by the statements from the lake.
FORGET_ID = hashlib.sha256(b"forget.me@example.org").hexdigest().upper()

# Run-operations a user runs (docs/athena.md); rendered as run in earnest.
RUN_OPERATIONS = [
    ("purge_iceberg_history", {"dry_run": False}),
    ("check_iceberg_purged", {}),
    ("forget_customer", {"customer_sha256": FORGET_ID, "dry_run": False}),
    # the SQL half of the purge check stedi runs after a purge (purge.check_files)
    ("iceberg_file_references", {"zones": ["landing", "trusted", "curated"]}),
]


# Every macro the renderer calls directly (the rest it reaches through them).
ENTRY_MACROS = [name for name, _ in RUN_OPERATIONS] + ["preflight_statements"]

# The pre-flight's scratch names as rendered (stedi athena-check uses its own).
PREFLIGHT_ARGS = {"schema": "stedi_preflight",
                  "landing_location": "s3://stedi-render-lake/_stedi_preflight/landing/",
                  "table_location": "s3://stedi-render-lake/_stedi_preflight/tables/"}


@dataclass(frozen=True)
class Statement:
    kind: str     # create schema, model full|incremental, hook, on-run-start,
                  # run-operation, test, pre-flight
    origin: str   # the node or macro that sends it
    sql: str


class _Recorder:
    """Stands in for the Athena connection: records, answers one fixed row."""

    def __init__(self):
        self.sent: list[tuple[str, str]] = []  # (sql, how: query | more_runs op)
        self.relations_exist = False

    def execute(self, sql, auto_begin=False, fetch=False, limit=None):
        import agate
        from dbt.adapters.contracts.connection import AdapterResponse

        self.sent.append((sql.strip(), "query"))
        lowered = sql.lower()
        if "$files" in lowered:
            table = agate.Table([["s3://stedi-render-lake/t/data/f.parquet", 0]],
                                ["file_path", "content"])
        elif "count(" in lowered or "$snapshots" in lowered:
            table = agate.Table([[1]], ["n"])
        elif lowered.lstrip().startswith("select max("):
            # the table holds rows: the watermark branch with a real value
            table = agate.Table([[datetime.datetime(2024, 1, 2, 3, 4, 5, 678901)]],
                                ["watermark"], [agate.DateTime()])
        else:
            table = agate.Table([["0"]], ["value"], [agate.Text()])
        return AdapterResponse(_message="rendered"), table

    def more_runs(self, query, op):
        self.sent.append((query.strip(), f"repeated until no ICEBERG_{op.upper()}_MORE_RUNS_NEEDED"))

    def take(self) -> list[tuple[str, str]]:
        sent, self.sent = self.sent, []
        return sent


def _statements(text: str, separator: str | None = None) -> list[str]:
    """A node or hook is one statement; on-run-start joins several with ';\n\n'
    (create_landing_tables). Comments may hold ';', so nothing else is split."""
    parts = text.split(separator) if separator else [text]
    return [p.strip().removesuffix(";").strip() for p in parts if p.strip()]


class _AsRun:
    """dbt's flags as a `dbt build` sees them (WHICH=build), for a macro that
    only renders under parse/compile (create_landing_tables)."""

    def __init__(self, flags):
        self._flags = flags

    def __getattr__(self, name):
        return "build" if name == "WHICH" else getattr(self._flags, name)


def _call_as_build(session, name: str):
    from dbt.context.providers import generate_runtime_macro_context

    manifest, _, config = session
    macro = manifest.macros[f"macro.stedi.{name}"]
    ctx = generate_runtime_macro_context(macro, config, manifest, macro.package_name)
    ctx["flags"] = _AsRun(ctx["flags"])
    return ctx[name]()


def render(project_dir: Path) -> list[Statement]:
    """All statements, rendered offline for the athena target."""
    from dbt.clients.jinja import get_rendered
    from dbt.compilation import Compiler
    from dbt.context.providers import generate_runtime_model_context

    env = dict(OFFLINE_ENV)
    env.update({k: "" for k in os.environ if k.startswith("AWS_") and k not in OFFLINE_ENV})
    with dbt_session(project_dir, "athena", env) as session:
        manifest, adapter, config = session
        manifest.build_flat_graph()  # `graph`, which forget_customer reads
        recorder = _Recorder()
        adapter.execute = recorder.execute
        adapter.run_operation_with_potential_multiple_runs = recorder.more_runs
        adapter.add_lf_tags_to_database = lambda relation: None  # a Lake Formation API call

        def get_relation(database, schema, identifier):
            if not recorder.relations_exist:
                return None
            return adapter.Relation.create(database=database, schema=schema,
                                           identifier=identifier, type="table")

        adapter.get_relation = get_relation
        compiler = Compiler(config)
        out: list[Statement] = []

        def recorded(kind, origin):
            out.extend(Statement(f"{kind} (query)" if how == "query" and kind.startswith("model")
                                 else kind, origin, sql) for sql, how in recorder.take())

        nodes = sorted(manifest.nodes.values(), key=lambda n: n.unique_id)
        # dbt run/build creates each selected node's schema that Glue lacks,
        # with the adapter's own create_schema macro (athena__create_schema).
        for database, schema in sorted({(n.database, n.schema) for n in nodes
                                        if n.resource_type in ("model", "seed")}):
            call_macro(session, "create_schema", relation=adapter.Relation.create(
                database=database, schema=schema))
            recorded("create schema", f"dbt build: schema {schema}")
        for mode, exist in (("full", False), ("incremental", True)):
            recorder.relations_exist = exist
            for node in nodes:
                if node.resource_type != "model":
                    continue
                compiled = compiler.compile_node(node, manifest, {}, write=False)
                recorded(f"model {mode}", node.unique_id)
                out.extend(Statement(f"model {mode}", node.unique_id, s)
                           for s in _statements(compiled.compiled_code))
                for hook_kind in ("pre_hook", "post_hook"):
                    for hook in getattr(node.config, hook_kind):
                        ctx = generate_runtime_model_context(node, config, manifest)
                        sql = get_rendered(hook.sql, ctx, node)
                        recorded("hook", f"{node.unique_id} {hook_kind} ({mode})")
                        out.extend(Statement("hook", f"{node.unique_id} {hook_kind} ({mode})", s)
                                   for s in _statements(sql))
        recorder.relations_exist = True
        # on-run-start as a build runs it (compiling only renders its DDL):
        # its schemas and the DDL.
        _call_as_build(session, "create_landing_tables")
        recorded("on-run-start", "on-run-start create_landing_tables()")
        for node in nodes:
            if node.resource_type == "test":
                compiled = compiler.compile_node(node, manifest, {}, write=False)
                recorded("test", node.unique_id)
                out.extend(Statement("test", node.unique_id, s)
                           for s in _statements(compiled.compiled_code))
        for name, kwargs in RUN_OPERATIONS:
            call_macro(session, name, **kwargs)
            recorded("run-operation", f"run-operation {name} {kwargs}")
        if "macro.stedi.preflight_statements" in manifest.macros:
            steps = call_macro(session, "preflight_statements", **PREFLIGHT_ARGS)
            for step in steps:
                if step.get("macro"):  # a project macro the pre-flight calls through dbt
                    call_macro(session, step["macro"], **step["args"])
                    recorded("pre-flight", f"stedi athena-check: {step['feature']}")
                else:
                    out.append(Statement("pre-flight", f"stedi athena-check: {step['feature']}",
                                         step["sql"].strip()))
        return out


# The Athena commands of docs/athena.md and what each sends: (command, kinds,
# origin filter). `dbt debug` and `dbt docs generate` send no project SQL
# (a connection test; Glue API calls for the catalog) and are not listed.
TYPED = ("customer_landing_typed", "accelerometer_landing_typed", "step_trainer_landing_typed")
COMMANDS = [
    ("dbt build --target athena --exclude-resource-type unit_test",
     ("create schema", "on-run-start", "model full", "model incremental",
      "model incremental (query)", "hook", "test"), None),
    # the whole-table proof (docs/incremental.md): every data test, no model
    ("dbt test --target athena --exclude-resource-type unit_test",
     ("on-run-start", "test"), None),
    ("dbt run --target athena --select <the three *_landing_typed>",
     ("create schema", "on-run-start", "model full", "model incremental",
      "model incremental (query)", "hook"), TYPED),
    ("dbt run-operation purge_iceberg_history --args '{dry_run: false}' --target athena",
     ("run-operation",), ("purge_iceberg_history",)),
    ("dbt run-operation check_iceberg_purged --target athena", ("run-operation",),
     ("check_iceberg_purged",)),
    ("dbt run-operation forget_customer --target athena --args '{..., dry_run: false}'",
     ("run-operation",), ("forget_customer",)),
    ("stedi athena-check", ("pre-flight",), None),
]


def by_command(statements: list[Statement]) -> list[tuple[str, int, int]]:
    """(command, statements it can send, the longest in bytes) for each
    documented Athena command (a `--select` run: only its models' statements,
    but all its schemas and on-run-start)."""
    rows = []
    for command, kinds, names in COMMANDS:
        sent = [s for s in statements if s.kind in kinds and (
            names is None or s.kind in ("create schema", "on-run-start")
            or any(n in s.origin for n in names))]
        rows.append((command, len(sent), max((len(s.sql.encode()) for s in sent), default=0)))
    return rows


def counts(statements: list[Statement]) -> Counter:
    return Counter(s.kind for s in statements)


def write(statements: list[Statement], path: Path) -> Path:
    """One readable file: each statement with what sends it, in render order;
    and the same as JSON beside it (statements.json) for the checks."""
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".json").write_text(json.dumps(
        [{"kind": s.kind, "origin": s.origin, "sql": s.sql} for s in statements], indent=1))
    longest = max(statements, key=lambda s: len(s.sql.encode()))
    lines = ["-- Every statement this project can send to Athena, rendered offline",
             "-- (integration_tests/athena_render.py; see docs/athena.md).",
             (f"-- {len(statements)} statements; the longest {len(longest.sql.encode()):,}"
              f" bytes ({longest.kind} | {longest.origin}); Athena's limit"
              f" {ATHENA_QUERY_BYTES:,}."),
             "-- " + ", ".join(f"{kind}: {n}" for kind, n in sorted(counts(statements).items())),
             ""]
    for i, s in enumerate(statements, 1):
        lines += [f"-- [{i}] {s.kind} | {s.origin}", s.sql.rstrip() + ";", ""]
    path.write_text("\n".join(lines))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="target/athena", help="folder for statements.sql/.json")
    args = parser.parse_args(argv)
    project = Path(__file__).resolve().parents[1]
    statements = render(project)
    path = write(statements, Path(args.out) / "statements.sql")
    for kind, n in sorted(counts(statements).items()):
        longest = max(len(s.sql.encode()) for s in statements if s.kind == kind)
        print(f"{kind:<26} {n:>5}  longest {longest:>8,} bytes")
    print("\nby documented command (docs/athena.md):")
    for command, n, longest in by_command(statements):
        print(f"{n:>5}  longest {longest:>8,} bytes  {command}")
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
