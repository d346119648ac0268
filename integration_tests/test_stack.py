"""The local stack's services: readiness, loopback binding, and clear failures."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REFERENCE_COUNTS, STEDI

from stedi import lakehouse
from stedi.errors import StackError
from stedi.stack import install
from stedi.stack.metastore import MetastoreService
from stedi.stack.minio import MinioService
from stedi.stack.postgres import PostgresService
from stedi.stack.trino import TrinoService


def _listening_addresses(port: int) -> set[str]:
    out = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True,
                         text=True, check=True).stdout
    return {line.split()[3].rsplit(":", 1)[0] for line in out.splitlines() if line.strip()}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_status_reports_every_service_running(stack):
    status = stack.status()
    for service in ("minio", "postgres", "metastore", "trino"):
        assert status[service].startswith("running"), (service, status[service])


def test_trino_answers_queries_on_both_catalogs(stack):
    catalogs = {row[0] for row in stack.trino.query("show catalogs")}
    assert {"hive", "iceberg"} <= catalogs


@pytest.mark.parametrize("attr", ["minio_port", "trino_port", "metastore_port",
                                  "postgres_port"])
def test_services_listen_on_loopback_only(stack, settings, attr):
    addresses = _listening_addresses(getattr(settings, attr))
    assert addresses, "nothing listens on the port"
    loopback = {"127.0.0.1", "[::1]", "[::ffff:127.0.0.1]"}
    assert addresses <= loopback, addresses


def test_cli_status(stack):
    out = subprocess.run([STEDI, "stack", "status"], capture_output=True, text=True,
                         check=True).stdout
    assert "minio  running" in out and "trino  running" in out
    assert "metastore running" in out and "postgres running" in out


@pytest.mark.alone  # the catalog stops: no other test may use it meanwhile
def test_tables_stay_registered_when_the_catalog_restarts(built, stack, trino_cursor):
    """The catalog lives in PostgreSQL: stopping and starting the metastore and
    its database (what `stedi stack down`/`up` does to them) loses no table."""
    schema = stack.settings.dbt_schema
    listing = ("select table_catalog, table_schema, table_name from iceberg.information_schema"
               f".tables where table_schema like '{schema}\\_%' escape '\\' order by 1, 2, 3")
    before = stack.trino.query(listing)
    assert len(before) > 10
    stack.metastore.stop()
    assert stack.metastore.status() == "stopped" and stack.postgres.status() == "stopped"
    stack.metastore.start()
    assert stack.trino.query(listing) == before
    model = "machine_learning_curated"
    count = stack.trino.query(f"select count(*) from {lakehouse.qualified(model, schema)}")
    assert count == [[REFERENCE_COUNTS[model]]]

def test_taken_port_gives_a_clear_error(settings, tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        svc = MinioService(replace(settings, state_dir=tmp_path, minio_port=port))
        with pytest.raises(StackError, match=rf"port 127.0.0.1:{port} is already taken"):
            svc.start()


def test_metastore_on_a_taken_port_gives_a_clear_error(stack, settings):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        svc = MetastoreService(replace(settings, metastore_port=port,
                                       state_dir=settings.state_dir / "squatted"),
                               postgres=stack.postgres)
        with pytest.raises(StackError, match=rf"Hive Metastore cannot start: port "
                                             rf"127.0.0.1:{port} is already taken"):
            svc.start()


def test_missing_postgres_gives_a_clear_error(monkeypatch):
    monkeypatch.setattr(install.Path, "glob", lambda self, pattern: iter(()))
    monkeypatch.setattr(install.shutil, "which", lambda name: None)
    with pytest.raises(StackError, match=r"needs the PostgreSQL server.*apt-get install postgresql"):
        install.find_postgres()


def test_metastore_without_a_usable_jdk_gives_a_clear_error(monkeypatch):
    monkeypatch.setenv("STEDI_METASTORE_JAVA_HOME", "/nonexistent/jdk")
    monkeypatch.setattr(install.Path, "iterdir", lambda self: iter(()))
    with pytest.raises(StackError, match=r"needs a JDK 17-22.*/nonexistent/jdk"):
        install.find_metastore_java()


def test_missing_java_gives_a_clear_error(settings, monkeypatch):
    monkeypatch.setattr(install, "_java_candidates", lambda: [Path("/nonexistent/jdk")])
    with pytest.raises(StackError, match=r"needs a JDK >= 24\.0\.1.*/nonexistent/jdk"):
        install.find_java(settings)


@pytest.mark.stack  # starts a real Trino of its own (installed, ~30 s)
def test_crashing_trino_reports_its_log(settings, tmp_path):
    """A real Trino with a broken config exits; start() says so and names the log."""
    etc = tmp_path / "etc"
    subprocess.run(["cp", "-r", str(settings.trino_etc_dir), str(etc)], check=True)
    with (etc / "config.properties").open("a") as fh:
        fh.write("no.such.property=1\n")
    svc = TrinoService(replace(settings, state_dir=tmp_path / "state",
                               trino_port=_free_port(), trino_etc_dir=etc))
    with pytest.raises(StackError, match=r"exited during start-up; log: .*server\.log"):
        svc.start(timeout=240)
    assert not svc.is_running()


@pytest.mark.stack  # starts a real Trino of its own (installed)
def test_a_trino_without_the_readiness_catalog_says_what_to_do(settings, tmp_path):
    """A Trino started before catalog/readiness.properties existed (a running stack
    when the project is updated) never passes the readiness scan: start() says why
    (Trino's own error) and what to run as soon as Trino answers, instead of
    waiting for its timeout."""
    etc = tmp_path / "etc"
    subprocess.run(["cp", "-r", str(settings.trino_etc_dir), str(etc)], check=True)
    (etc / "catalog" / "readiness.properties").unlink()
    svc = TrinoService(replace(settings, state_dir=tmp_path / "state",
                               trino_port=_free_port(), trino_etc_dir=etc))
    try:
        with pytest.raises(StackError, match=r"(?s)last readiness check: .*readiness.*"
                                             r"stedi stack down` then `stedi stack up"):
            svc.start(timeout=120)
    finally:
        svc.stop()


@pytest.mark.stack  # starts a real PostgreSQL of its own
@pytest.mark.skipif(os.geteuid() != 0, reason="PostgreSQL runs as its own user only under root")
def test_postgres_starts_for_a_checkout_in_a_folder_only_root_can_enter(settings, tmp_path):
    """As root (CI, a container) with the clone under a 0700 folder such as /root,
    PostgreSQL runs as the `postgres` user, who cannot enter it: the cluster still
    starts and serves the metastore's database."""
    private = tmp_path / "root-only"
    private.mkdir(mode=0o700)
    svc = PostgresService(replace(settings, state_dir=private / "clone" / ".stack",
                                  postgres_port=_free_port()))
    try:
        svc.start()
        assert svc.query("select 1") == "1"
        assert svc.query("select 1 from pg_database where datname = 'metastore'") == "1"
    finally:
        svc.stop()
        if svc.cluster_home() != svc.home:  # its own folder outside the state dir
            shutil.rmtree(svc.cluster_home(), ignore_errors=True)
    assert not svc.is_running()
