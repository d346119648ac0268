"""docker-compose.yml describes the same stack as `stedi stack up`: the same
pinned versions, the same Trino config files, every variable they read."""

from __future__ import annotations

import re

import yaml
from conftest import REPO_ROOT

from stedi.settings import MINIO_VERSION, TRINO_VERSION

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_trino_service_runs_the_pinned_version_on_the_committed_config():
    trino = SERVICES["trino"]
    assert trino["image"] == f"trinodb/trino:{TRINO_VERSION}"
    assert "./stack/trino/etc:/etc/trino:ro" in trino["volumes"]
    assert "--etc-dir" in trino["command"] and "/etc/trino" in trino["command"]


def test_every_variable_the_trino_config_reads_is_set_for_the_container():
    etc = REPO_ROOT / "stack" / "trino" / "etc"
    wanted = {
        var
        for path in etc.rglob("*.properties")
        for var in re.findall(r"\$\{ENV:([A-Z0-9_]+)\}", path.read_text())
    }
    assert wanted >= {"STEDI_BUCKET", "STEDI_S3_ENDPOINT", "MINIO_ROOT_USER"}
    assert wanted <= set(SERVICES["trino"]["environment"])


def test_minio_is_built_from_the_same_pinned_source():
    dockerfile = (REPO_ROOT / "stack" / "minio" / "Dockerfile").read_text()
    assert f"github.com/minio/minio@{MINIO_VERSION}" in dockerfile
    assert SERVICES["minio"]["build"]["context"] == "./stack/minio"


def test_ports_are_published_on_loopback_only():
    for name, service in SERVICES.items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), (name, port)


def test_load_service_uses_the_project_loader():
    command = " ".join(SERVICES["load"]["command"])
    assert "stedi load" in command
