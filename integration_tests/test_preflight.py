"""`stedi athena-check`: the pre-flight's steps pass on the local Trino and
leave nothing behind; on the athena target, a missing variable or an
unreachable workgroup stops it with a message naming them, before any step.
(Its Athena rendering is form-checked in test_athena_statements.py.)"""

from __future__ import annotations

import os
import subprocess

from conftest import REPO_ROOT, STEDI

from stedi import s3
from stedi.athena.preflight import ATHENA_VARIABLES, SCRATCH_PREFIX


def _schemas(trino) -> set[str]:
    return {row[0] for catalog in ("hive", "iceberg")
            for row in trino.query(f"select schema_name from {catalog}.information_schema.schemata"
                                   " where schema_name like 'stedi_preflight%'")}


def test_preflight_passes_on_local_trino_and_leaves_nothing(stack, settings):
    proc = subprocess.run([STEDI, "athena-check", "--target", "local"], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    steps = [ln for ln in proc.stdout.splitlines() if ln.startswith(("PASS", "FAIL"))]
    assert len(steps) >= 15 and all(ln.startswith("PASS") for ln in steps), steps
    # the project's own purge check ran on the scratch table after the purge
    assert any("purge check: check_iceberg_purged" in ln for ln in steps), steps
    assert _schemas(stack.trino) == set()
    assert s3.list_keys(settings, f"{SCRATCH_PREFIX}/") == []


def _athena_env(**overrides) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "STEDI_ATHENA", "STEDI_AWS"))}
    env.update({"STEDI_AWS_REGION": "eu-west-1", "STEDI_ATHENA_WORKGROUP": "stedi-preflight-test",
                "STEDI_ATHENA_RESULTS": "s3://stedi-preflight-results/x/",
                "STEDI_BUCKET": "stedi-preflight-lake", "AWS_CONFIG_FILE": "/dev/null",
                "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_EC2_METADATA_DISABLED": "true"})
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def test_missing_variable_is_named_before_any_call():
    for name in ATHENA_VARIABLES:
        proc = subprocess.run([STEDI, "athena-check"], cwd=REPO_ROOT, capture_output=True,
                              text=True, check=False, env=_athena_env(**{name: None}))
        assert proc.returncode == 1, proc.stdout
        assert name in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
        assert "PASS" not in proc.stdout and "FAIL" not in proc.stdout


def test_unreachable_workgroup_is_named():
    """AWS endpoints point at a closed loopback port: nothing leaves the machine."""
    env = _athena_env(AWS_ENDPOINT_URL="http://127.0.0.1:9", AWS_ACCESS_KEY_ID="test",
                      AWS_SECRET_ACCESS_KEY="test", AWS_MAX_ATTEMPTS="1")
    proc = subprocess.run([STEDI, "athena-check"], cwd=REPO_ROOT, capture_output=True,
                          text=True, check=False, env=env, timeout=120)
    assert proc.returncode == 1, proc.stdout
    assert "stedi-preflight-test" in proc.stderr and "eu-west-1" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and "PASS" not in proc.stdout


def test_a_failed_purge_check_is_reported_with_its_finding():
    """The purge check fails with a dbt compilation error whose first line is
    only 'Compilation Error': the pre-flight prints the finding itself."""
    from dbt_common.exceptions import CompilationError

    from stedi.athena.preflight import _message

    error = CompilationError("purge of t did not finish: 2 snapshots left, expected 1")
    assert "2 snapshots left" in _message(error)
    assert _message(RuntimeError("TABLE_NOT_FOUND: t\ntrace")) == "TABLE_NOT_FOUND: t"


# Runs in its own process (dbt's global state): the pre-flight's capture step
# hands the files it read to the purge check, which fails when a file from
# before the purge is still referenced and passes when all were rewritten.
_CHECK_SCRIPT = r'''
import contextlib, sys
import agate
from dbt.adapters.contracts.connection import AdapterResponse
sys.path.insert(0, "integration_tests")
from athena_render import OFFLINE_ENV, PREFLIGHT_ARGS
from stedi.athena.preflight import _run_step, call_macro, dbt_session

after = sys.argv[1]
with dbt_session(__import__("pathlib").Path("."), "athena", OFFLINE_ENV) as session:
    _, adapter, _ = session
    files = {"before": [["s3://l/f1.parquet", 0], ["s3://l/d1.parquet", 1]],
             "after": [[after, 0]]}
    seen = []

    def execute(sql, auto_begin=False, fetch=False, limit=None):
        seen.append(sql)
        if "$files" in sql:
            rows = files["before" if len([s for s in seen if "$files" in s]) == 1 else "after"]
            return AdapterResponse(_message="ok"), agate.Table(rows, ["file_path", "content"])
        return AdapterResponse(_message="ok"), agate.Table([[1]], ["n"])

    adapter.execute = execute
    adapter.connection_named = lambda name: contextlib.nullcontext()
    plan = call_macro(session, "preflight_statements", **PREFLIGHT_ARGS, suffix="_t")
    captured = {}
    _run_step(session, None, next(i for i in plan if i.get("capture")), captured)
    try:
        _run_step(session, None, next(i for i in plan if i.get("macro")), captured)
        print("CHECK PASSED")
    except Exception as exc:
        print("CHECK FAILED:", " ".join(str(exc).split()))
'''


def test_the_purge_check_judges_the_files_captured_before_the_purge():
    import sys

    results = {}
    for after in ("s3://l/f1.parquet", "s3://l/f2.parquet"):
        proc = subprocess.run([sys.executable, "-c", _CHECK_SCRIPT, after], cwd=REPO_ROOT,
                              capture_output=True, text=True, check=False, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        results[after] = proc.stdout.strip().splitlines()[-1]
    assert "files from before the purge still referenced" in results["s3://l/f1.parquet"]
    assert results["s3://l/f2.parquet"] == "CHECK PASSED", results
