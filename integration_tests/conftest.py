"""Fixtures for the end-to-end tests, against the real local stack.

The fixture graph, each doing one thing:
    settings  ->  stack (MinIO, PostgreSQL + Hive Metastore, Trino up, started once
                  per session; left running)
              ->  loaded (the reference landing data uploaded to MinIO)
              ->  built (`dbt build --full-refresh` succeeded on it)
The reference data is read from ../shared/data/stedi (or STEDI_REFERENCE_DATA);
it is never copied into the repository.

Two tiers (pytest_collection_modifyitems below): a test that uses the `stack`
fixture, directly or through `loaded`, `built`, `trino_cursor`, ..., or a
fixture that starts a server of its own (SERVER_FIXTURES: `minio_only`,
`aws_minio`: a MinIO each, no Trino), or that is marked `stack` (it starts a
server of its own) is in the stack tier: it needs the installed services (MinIO
is built from source: minutes on a fresh machine), which `make check` never
installs; a test
marked `compose` (docker-compose.yml on a Docker daemon of its own) runs only
when selected (`make test-compose`); every other test is `offline`: it needs no running service (`make check`, run first in CI).
"""

from __future__ import annotations

import csv
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import workers

from stedi import dbt_runner, lakehouse
from stedi.landing import load
from stedi.settings import Settings
from stedi.stack.native import Stack

# The checkout under test (the tool itself finds it from the working directory or
# STEDI_PROJECT_DIR: see stedi.settings.project_dir and test_cli.py).
REPO_ROOT = Path(__file__).resolve().parents[1]

REFERENCE_DATA = Path(
    os.environ.get("STEDI_REFERENCE_DATA", REPO_ROOT.parent / "shared" / "data" / "stedi")
)

# The CLI installed beside this interpreter (the venv need not be on PATH).
STEDI = str(Path(sys.executable).parent / "stedi")

# The reference data's row counts: the seed dbt's count tests use (one source).
with (REPO_ROOT / "seeds" / "expected_row_counts.csv").open(newline="") as _seed:
    REFERENCE_COUNTS = {row["relation_name"]: int(row["expected_rows"])
                        for row in csv.DictReader(_seed) if row["dataset"] == "reference"}


# Fixtures that start a server: a test using one is in the stack tier.
SERVER_FIXTURES = {"stack", "minio_only", "aws_minio"}


def pytest_configure(config):
    workers.own_dbt_folders()
    # dbt's threads in every test's build (profiles.yml.example reads it; its
    # default stays 2): a scenario's statements wait on latency (planning,
    # metastore commits), not on the two cores. A small full build, three pairs
    # in turn: 34.2 / 36.3 / 27.4 s with 2, 31.6 / 26.4 / 29.7 s with 4; the
    # daily-build test (ten `stedi build`s) alone: 135 s with 2, 116 s with 4.
    os.environ.setdefault("STEDI_DBT_THREADS", "4")
    # Row counts are asserted where a test names its dataset (the reference build),
    # never because the shell running the tests happens to set one.
    os.environ.pop("STEDI_EXPECTATIONS", None)


def pytest_xdist_make_scheduler(config, log):
    return workers.scheduler(config, log)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    with workers.turn(item):
        yield


def pytest_collection_modifyitems(config, items):
    compose_selected = "compose" in (config.getoption("markexpr") or "")
    for item in items:
        if item.get_closest_marker("compose"):
            # its own Docker daemon and images: only when asked for (make test-compose)
            if not compose_selected:
                item.add_marker(pytest.mark.skip(reason="the compose tier: make test-compose"))
        elif SERVER_FIXTURES & set(item.fixturenames) or item.get_closest_marker("stack"):
            item.add_marker(pytest.mark.stack)
        else:
            item.add_marker(pytest.mark.offline)
    if workers.worker():
        workers.check_reference_modules(items)
        items[:] = workers.longest_first(items)


@pytest.fixture(scope="session")
def reference_data() -> Path:
    if not (REFERENCE_DATA / "customer" / "landing").is_dir():
        pytest.fail(f"reference landing data not found at {REFERENCE_DATA}")
    return REFERENCE_DATA


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.from_env()


@pytest.fixture(scope="session")
def stack(settings) -> Stack:
    stack = Stack(settings)
    stack.up()
    return stack


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _own_minio(settings: Settings, folder: Path, user: str, password: str):
    """A MinIO of the test's own, on free ports, its data under `folder`."""
    from dataclasses import replace

    from stedi.stack.minio import MinioService

    own = replace(settings, state_dir=folder, minio_port=free_port(),
                  minio_console_port=free_port(), minio_user=user, minio_password=password)
    service = MinioService(own)
    service.start()
    return own, service


@pytest.fixture(scope="session")
def minio_only(settings, tmp_path_factory):
    """Settings whose MinIO is one of this session's own (no Trino, no catalog):
    for the tests of what only S3 holds (the lock)."""
    own, service = _own_minio(settings, tmp_path_factory.mktemp("minio-only"),
                              "stedi-test", "stedi-test-secret")
    yield own
    service.stop()


@pytest.fixture(scope="session")
def aws_minio(settings, tmp_path_factory):
    """A second MinIO standing in for AWS S3, with credentials of its own:
    (settings of it, the environment an AWS command reads: AWS_ENDPOINT_URL_S3,
    AWS_ACCESS_KEY_ID, ..., STEDI_AWS_REGION and the athena variables)."""
    own, service = _own_minio(settings, tmp_path_factory.mktemp("aws-minio"),
                              "aws-stand-in-key", "aws-stand-in-secret")
    env = {"AWS_ENDPOINT_URL_S3": own.s3_endpoint, "AWS_ACCESS_KEY_ID": own.minio_user,
           "AWS_SECRET_ACCESS_KEY": own.minio_password, **ATHENA_ENV,
           "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
           "AWS_EC2_METADATA_DISABLED": "true"}
    yield own, env
    service.stop()


@pytest.fixture(scope="session")
def loaded(stack, settings, reference_data) -> Stack:
    load.load_landing(settings, reference_data)
    return stack


@pytest.fixture(scope="session")
def build_artifacts(tmp_path_factory) -> Path:
    """run_results.json + manifest.json of the `built` build (later tests run
    dbt again into target/, so they are copied right after it)."""
    return tmp_path_factory.mktemp("build-artifacts")


@pytest.fixture(scope="session")
def built(loaded, settings, build_artifacts) -> Stack:
    # The reference data, named explicitly: its exact counts are asserted.
    dbt_runner.run_dbt(["build", "--full-refresh", "--vars", "{expectations_dataset: reference}"],
                settings)
    for name in ("run_results.json", "manifest.json"):
        shutil.copyfile(dbt_runner.target_dir(REPO_ROOT) / name, build_artifacts / name)
    return loaded


@pytest.fixture()
def trino_cursor(stack):
    return stack.trino.connect().cursor()


def scalar(cursor, sql: str):
    cursor.execute(sql)
    return cursor.fetchall()[0][0]


def line_accounting(cursor, settings, entity: str, schema: str | None = None) -> dict:
    """Every landing line of `entity` through its audit view `<entity>_landing_outcome`:
    the dbt reconciliation test counts by aggregation; this checks the views
    line by line (a window over every line, fine at test sizes)."""
    prefix = schema or settings.dbt_schema
    landing, trusted, outcome = (lakehouse.qualified(f"{entity}_{role}", prefix)
                                 for role in ("landing", "trusted", "landing_outcome"))
    cursor.execute(f"""
        select
            (select count(*) from {landing}),
            count(*),
            count_if(outcome = 'trusted'),
            (select count(*) from {trusted}),
            count_if(outcome is null or outcome not in ('trusted', 'excluded', 'rejected')
                     or outcome_reason is null or outcome_reason = 'unaccounted')
        from {outcome}
    """)
    keys = ("landing_lines", "outcome_lines", "trusted_lines", "trusted_rows", "unexplained")
    return dict(zip(keys, cursor.fetchall()[0]))


def assert_every_line_accounted_for(accounting: dict) -> None:
    assert accounting["outcome_lines"] == accounting["landing_lines"], accounting
    assert accounting["trusted_lines"] == accounting["trusted_rows"], accounting
    assert accounting["unexplained"] == 0, accounting


# ---------------------------------------------------------------------------
# The Athena target, offline: `dbt compile --target athena` with the committed
# profiles.yml.example, placeholder account values and NO AWS credentials.
# --no-populate-cache skips the Glue listing dbt does before compiling, and
# --no-introspect makes dbt fail if any node would run a query while it
# compiles; without credentials any AWS call would fail too. Compiled once per
# session into a temporary target path (never the local target/).
# ---------------------------------------------------------------------------
ATHENA_ENV = {
    "STEDI_AWS_REGION": "eu-west-1",
    "STEDI_ATHENA_WORKGROUP": "stedi-ci",
    "STEDI_ATHENA_RESULTS": "s3://stedi-ci-athena-results/dbt/",
    "STEDI_BUCKET": "stedi-ci-lake",
}


def offline_dbt_env(profiles_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "STEDI_ATHENA"))}
    env.update(ATHENA_ENV)
    env.update(
        DBT_PROFILES_DIR=str(profiles_dir),
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        AWS_EC2_METADATA_DISABLED="true",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    return env


@dataclass
class Compiled:
    target_path: Path
    manifest: dict
    seconds: float
    output: str


def compile_offline(tmp: Path, target: str) -> Compiled:
    import json
    import subprocess
    import time

    profiles = tmp / "profiles"
    profiles.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO_ROOT / "profiles.yml.example", profiles / "profiles.yml")
    target_path = tmp / f"target-{target}"
    start = time.monotonic()
    proc = subprocess.run(
        [dbt_runner.dbt_executable(), "compile", "--target", target, "--target-path", str(target_path),
         "--log-path", str(tmp / "logs"), "--no-populate-cache", "--no-introspect"],
        cwd=REPO_ROOT, env=offline_dbt_env(profiles), capture_output=True, text=True, check=False,
    )
    seconds = time.monotonic() - start
    assert proc.returncode == 0, proc.stdout + proc.stderr
    manifest = json.loads((target_path / "manifest.json").read_text())
    return Compiled(target_path, manifest, seconds, proc.stdout)


@pytest.fixture(scope="session")
def athena_compiled(tmp_path_factory) -> Compiled:
    return compile_offline(tmp_path_factory.mktemp("athena"), "athena")
