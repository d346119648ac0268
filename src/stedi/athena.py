"""Every statement the project can send to Athena, rendered offline.

No AWS account is reachable from here, so what Athena would receive is
rendered by dbt itself, for the athena target, without a connection: dbt
parses the project, then this module compiles every model, test and hook and
calls every run-operation, in two situations:

    first build   nothing exists yet: model bodies as a full build
    daily run     every model exists: model bodies as an incremental run, their
                  pre/post-hooks, the run-operations (purge, purge check)

dbt-athena's connection is replaced by a *recorder*: it never connects; it
writes down each statement a macro sends and answers it with one fixed row
(a count of 1, a file list of one file, an empty watermark), so that every
branch that sends a statement is taken. What the recorder answers is not
checked, only what it was sent: this renders, it tests nothing about Athena.
Statements that dbt-athena's materializations generate themselves (the CTAS
wrapper, MERGE for incremental models, renames, Glue calls) are dbt-athena's
and are not rendered here (docs/athena.md lists them with their sources).

    >>> statements = render(project_dir)
    >>> write(statements, project_dir / "target" / "athena" / "statements.sql")

`stedi athena-render` writes target/athena/statements.sql; the CI test
integration_tests/test_athena_statements.py checks every statement in it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from stedi.errors import StackError

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

# Run-operations a user runs (docs/athena.md); rendered as run in earnest.
RUN_OPERATIONS = [
    ("purge_iceberg_history", {"dry_run": False}),
    ("check_iceberg_purged", {}),
]


# Every macro the renderer calls directly (the rest it reaches through them).
ENTRY_MACROS = [name for name, _ in RUN_OPERATIONS] + ["preflight_statements"]

# The pre-flight's scratch names as rendered (stedi athena-check uses its own).
PREFLIGHT_ARGS = {"schema": "stedi_preflight",
                  "landing_location": "s3://stedi-render-lake/_stedi_preflight/landing/",
                  "table_location": "s3://stedi-render-lake/_stedi_preflight/tables/"}


@dataclass(frozen=True)
class Statement:
    kind: str     # model full|incremental, hook, on-run-start, run-operation, test, pre-flight
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
            table = agate.Table([[None]], ["watermark"], [agate.Text()])
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


@contextmanager
def dbt_session(project_dir: Path, target: str, env: dict[str, str]):
    """dbt parsed for `target` in this process, connection-free: yields
    (manifest, adapter, config). `env` replaces the AWS/STEDI variables for the
    duration (the profile reads them); nothing connects unless a caller does."""
    from dbt.adapters.factory import FACTORY
    from dbt.cli.main import dbtRunner

    saved = dict(os.environ)
    work = Path(tempfile.mkdtemp(prefix="stedi-dbt-session-"))
    try:
        os.environ.update(env)
        (work / "profiles").mkdir()
        shutil.copyfile(project_dir / "profiles.yml.example", work / "profiles" / "profiles.yml")
        os.environ["DBT_PROFILES_DIR"] = str(work / "profiles")
        parsed = dbtRunner().invoke(
            ["parse", "--project-dir", str(project_dir), "--target", target,
             "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
             "--quiet"])
        if not parsed.success:
            raise StackError(f"dbt parse --target {target} failed: {parsed.exception}")
        adapter = FACTORY.adapters[
            "athena" if target == "athena" else next(iter(FACTORY.adapters))]
        yield parsed.result, adapter, adapter.config
    finally:
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(work, ignore_errors=True)


def call_macro(session, name: str, **kwargs):
    """Call a project macro in `session` (from dbt_session) and return its value."""
    from dbt.context.providers import generate_runtime_macro_context

    manifest, _, config = session
    macro = manifest.macros[f"macro.stedi.{name}"]
    ctx = generate_runtime_macro_context(macro, config, manifest, macro.package_name)
    return ctx[name](**kwargs)


def render(project_dir: Path) -> list[Statement]:
    """All statements, rendered offline for the athena target."""
    from dbt.clients.jinja import get_rendered
    from dbt.compilation import Compiler
    from dbt.context.providers import generate_runtime_model_context

    env = dict(OFFLINE_ENV)
    env.update({k: "" for k in os.environ if k.startswith("AWS_") and k not in OFFLINE_ENV})
    with dbt_session(project_dir, "athena", env) as session:
        manifest, adapter, config = session
        recorder = _Recorder()
        adapter.execute = recorder.execute
        adapter.run_operation_with_potential_multiple_runs = recorder.more_runs
        adapter.create_schema = lambda relation: recorder.sent.append(
            (f"create schema if not exists {relation.render_hive()}", "query"))

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
        for node in nodes:
            if node.resource_type == "operation":
                compiled = compiler.compile_node(node, manifest, {}, write=False)
                out.extend(Statement("on-run-start", node.unique_id, s)
                           for s in _statements(compiled.compiled_code, ";\n\n"))
            elif node.resource_type == "test":
                compiled = compiler.compile_node(node, manifest, {}, write=False)
                recorded("test", node.unique_id)
                out.extend(Statement("test", node.unique_id, s)
                           for s in _statements(compiled.compiled_code))
        for name, kwargs in RUN_OPERATIONS:
            call_macro(session, name, **kwargs)
            recorded("run-operation", f"run-operation {name} {kwargs}")
        if "macro.stedi.preflight_statements" in manifest.macros:
            steps = call_macro(session, "preflight_statements", **PREFLIGHT_ARGS)
            out.extend(Statement("pre-flight", f"stedi athena-check: {step['feature']}",
                                 step["sql"].strip()) for step in steps)
        return out


def counts(statements: list[Statement]) -> Counter:
    return Counter(s.kind for s in statements)


def write(statements: list[Statement], path: Path) -> Path:
    """One readable file: each statement with what sends it, in render order;
    and the same as JSON beside it (statements.json) for the checks."""
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".json").write_text(json.dumps(
        [{"kind": s.kind, "origin": s.origin, "sql": s.sql} for s in statements], indent=1))
    lines = ["-- Every statement this project can send to Athena, rendered offline",
             "-- (stedi athena-render; see src/stedi/athena.py and docs/athena.md).",
             "-- " + ", ".join(f"{kind}: {n}" for kind, n in sorted(counts(statements).items())),
             ""]
    for i, s in enumerate(statements, 1):
        lines += [f"-- [{i}] {s.kind} | {s.origin}", s.sql.rstrip() + ";", ""]
    path.write_text("\n".join(lines))
    return path
