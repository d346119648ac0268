"""`stedi athena-check`: a pre-flight a user runs once on their AWS account.

In a scratch database it tries each engine feature the project relies on (the
landing DDL, "$path"/"$file_modified_time", timestamp(6), Iceberg CTAS at the
configured location, the DELETE form, "t$snapshots"/"t$files", the purge's
ALTER/OPTIMIZE/VACUUM and then the project's own purge check on the scratch
table), prints one PASS/FAIL line per step with the failing statement and the
engine's message, and drops the tables it made (on Athena the scratch Glue
database `stedi_preflight` stays: dropping it needs glue:DeleteDatabase, which
the documented dbt role does not have). The steps come from the project's own
macros (macros/operations/preflight_statements.sql), rendered by dbt for the target, so
the pre-flight sends exactly the forms a build sends.

    stedi athena-check                   # Athena: needs the STEDI_* AWS variables
    stedi athena-check --target local    # the same steps on the local Trino (CI)
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from stedi.errors import StackError
from stedi.s3 import AWS_VARIABLES as ATHENA_VARIABLES

SCRATCH_PREFIX = "_stedi_preflight"
SCRATCH_DATABASE = "stedi_preflight"


@dataclass
class Step:
    feature: str
    sql: str
    ok: bool
    error: str = ""
    cleanup: bool = False


def check_athena_environment() -> None:
    """Every variable the athena target reads is set, or a message naming it."""
    missing = [f"{name} ({why})" for name, why in ATHENA_VARIABLES.items()
               if not os.environ.get(name)]
    if missing:
        raise StackError("set these variables for the athena target (docs/athena.md): "
                         + "; ".join(missing))
    results = os.environ["STEDI_ATHENA_RESULTS"]
    if not results.startswith("s3://"):
        raise StackError(f"STEDI_ATHENA_RESULTS must be an s3:// location, not {results!r}")


@contextmanager
def dbt_session(project_dir: Path, target: str, env: dict[str, str]):
    """dbt parsed for `target` in this process, connection-free: yields
    (manifest, adapter, config). `env` replaces the AWS/STEDI variables for the
    duration (the profile reads them); nothing connects unless a caller does.
    (Also used by the offline renderer, integration_tests/athena_render.py.)"""
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
    """Call a macro in `session` (from dbt_session) and return its value: the
    project's own, else dbt's or the adapter's (e.g. create_schema)."""
    from dbt.context.providers import generate_runtime_macro_context

    manifest, _, config = session
    macro = manifest.macros.get(f"macro.stedi.{name}") or manifest.find_macro_by_name(
        name, config.project_name, None)
    ctx = generate_runtime_macro_context(macro, config, manifest, macro.package_name)
    return ctx[name](**kwargs)


class _AthenaRunner:
    def __init__(self):
        import boto3
        from pyathena import connect

        self.region = os.environ["STEDI_AWS_REGION"]
        self.workgroup = os.environ["STEDI_ATHENA_WORKGROUP"]
        self.bucket = os.environ["STEDI_BUCKET"]
        self.s3 = boto3.client("s3", region_name=self.region)
        # One cheap call first: a wrong region, workgroup or credential is
        # named here, before any step runs.
        boto3.client("athena", region_name=self.region).get_work_group(WorkGroup=self.workgroup)
        self.cursor = connect(region_name=self.region, work_group=self.workgroup,
                              s3_staging_dir=os.environ["STEDI_ATHENA_RESULTS"]).cursor()

    def put(self, key: str, body: bytes) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)

    def delete_prefix(self, prefix: str) -> None:
        for page in self.s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                self.s3.delete_object(Bucket=self.bucket, Key=obj["Key"])

    def execute(self, sql: str, more_runs: str | None) -> None:
        for _ in range(50):  # OPTIMIZE/VACUUM of a big table may need several runs
            try:
                self.cursor.execute(sql)
                self.cursor.fetchall() if self.cursor.description else None
                return
            except Exception as exc:
                if more_runs and f"ICEBERG_{more_runs.upper()}_MORE_RUNS_NEEDED" in str(exc):
                    continue
                raise
        raise StackError(f"{more_runs} still needed more runs after 50")


class _TrinoRunner:
    def __init__(self, settings):
        from stedi import s3
        from stedi.stack.trino import TrinoService

        self.settings = settings
        self.bucket = settings.bucket
        self.s3 = s3.client(settings)
        s3.ensure_bucket(settings)
        self.cursor = TrinoService(settings).connect().cursor()

    def put(self, key: str, body: bytes) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)

    def delete_prefix(self, prefix: str) -> None:
        from stedi import s3

        for key in s3.list_keys(self.settings, prefix):
            self.s3.delete_object(Bucket=self.bucket, Key=key)

    def execute(self, sql: str, more_runs: str | None) -> None:
        self.cursor.execute(sql)
        self.cursor.fetchall()


def run(project_dir: Path, target: str, settings=None, out=sys.stdout) -> list[Step]:
    """Run the pre-flight on `target` ('athena' or 'local'); returns every step."""
    if target == "athena":
        check_athena_environment()
        env = {}
    else:
        env = {"STEDI_TRINO_PORT": str(settings.trino_port), "STEDI_BUCKET": settings.bucket}
    run_id = uuid.uuid4().hex[:8]
    # Athena: one scratch Glue database, kept (dropping it needs
    # glue:DeleteDatabase, which the dbt role is not granted); each run's tables
    # carry the run id. Trino: a schema per run, dropped.
    schema = SCRATCH_DATABASE if target == "athena" else f"{SCRATCH_DATABASE}_{run_id}"
    prefix = f"{SCRATCH_PREFIX}/{run_id}"
    try:
        runner = _AthenaRunner() if target == "athena" else _TrinoRunner(settings)
    except Exception as exc:
        where = (f"workgroup {os.environ.get('STEDI_ATHENA_WORKGROUP')} in "
                 f"{os.environ.get('STEDI_AWS_REGION')}" if target == "athena"
                 else settings.trino_url)
        raise StackError(f"cannot reach {where}: {exc}") from exc
    steps: list[Step] = []
    with dbt_session(project_dir, "athena" if target == "athena" else "local",
                     env) as session:
        plan = call_macro(
            session, "preflight_statements", schema=schema,
            landing_location=f"s3://{runner.bucket}/{prefix}/landing/",
            table_location=f"s3://{runner.bucket}/{prefix}/tables/", suffix=f"_{run_id}")
        runner.put(f"{prefix}/landing/line.json",
                   b'{"user": "preflight@example.org", "timestamp": 1, "x": 0, "y": 0, "z": 0}\n')
        captured: dict = {}
        try:
            for item in plan:
                sql = item["sql"].strip()
                try:
                    _run_step(session, runner, item, captured)
                    step = Step(item["feature"], sql, True, cleanup=item["cleanup"])
                except Exception as exc:  # noqa: BLE001 -- the step's failure is the result
                    step = Step(item["feature"], sql, False, _message(exc),
                                cleanup=item["cleanup"])
                steps.append(step)
                print(f"{'PASS' if step.ok else 'FAIL'}  {step.feature}", file=out)
                if not step.ok:
                    print(f"      statement: {' '.join(sql.split())[:300]}", file=out)
                    print(f"      error:     {step.error}", file=out)
        finally:
            runner.delete_prefix(f"{prefix}/")
    return steps


def _message(exc: Exception) -> str:
    """The engine's message: its first line; a dbt compilation error (the purge
    check's finding) whole, since its first line only names the macro."""
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    text = " ".join(" ".join(lines).split()) if "Compilation Error" in lines[0] else lines[0]
    return text[:400]


def _run_step(session, runner, item: dict, captured: dict) -> None:
    """One step: a statement through the engine's client; a captured query and
    a project macro (the purge check) through dbt's own connection, the way
    purge_iceberg_history runs them (run_query, then check_iceberg_purged)."""
    _, adapter, _ = session
    if item.get("capture") or item.get("macro"):
        with adapter.connection_named("stedi-preflight"):
            if item.get("capture"):
                _, captured[item["capture"]] = adapter.execute(item["sql"], fetch=True)
            else:
                # check_iceberg_purged(relations, before): the files captured
                # before the purge, as purge_iceberg_history passes them
                call_macro(session, item["macro"], **item["args"],
                           before={str(r): captured.get("before") for r in item["args"]["relations"]})
    else:
        runner.execute(item["sql"].strip(), item.get("more_runs"))


def main(project_dir: Path, target: str, settings) -> int:
    steps = run(project_dir, target, settings)
    failed = [s for s in steps if not s.ok and not s.cleanup]
    left = [s for s in steps if not s.ok and s.cleanup]
    print(f"\n{len(steps) - len(failed) - len(left)} of {len(steps)} steps passed on {target}"
          + (f"; clean up by hand: {[s.sql for s in left]}" if left else ""))
    return 1 if failed or left else 0
