"""docker-compose.yml describes the same stack as `stedi stack up`: the same
pinned versions, the same Trino config files, every variable they read."""

from __future__ import annotations

import re

import yaml
from conftest import REPO_ROOT

from stedi.settings import (
    METASTORE_ARTIFACT,
    METASTORE_SHA256,
    MINIO_VERSION,
    TRINO_VERSION,
)

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
    assert wanted >= {"STEDI_METASTORE_HOST", "STEDI_S3_ENDPOINT", "MINIO_ROOT_USER"}
    assert wanted <= set(SERVICES["trino"]["environment"])


def test_metastore_is_built_from_the_same_pinned_artifact_and_hadoop_pom():
    dockerfile = (REPO_ROOT / "stack" / "metastore" / "Dockerfile").read_text()
    assert f"-Dartifact={METASTORE_ARTIFACT}" in dockerfile
    assert METASTORE_SHA256 in dockerfile
    assert "COPY pom.xml" in dockerfile  # the native install's stack/metastore/pom.xml
    metastore = SERVICES["metastore"]
    assert metastore["build"]["context"] == "./stack/metastore"
    assert "./stack/metastore/conf:/opt/metastore/conf-stedi:ro" in metastore["volumes"]


def test_every_variable_the_metastore_config_reads_is_set_for_the_container():
    conf = (REPO_ROOT / "stack" / "metastore" / "conf" / "metastore-site.xml").read_text()
    wanted = set(re.findall(r"\$\{env\.([A-Z0-9_]+)\}", conf))
    assert wanted >= {"STEDI_METASTORE_DB_PASSWORD", "MINIO_ROOT_PASSWORD", "STEDI_BUCKET"}
    assert wanted <= set(SERVICES["metastore"]["environment"])
    # Trino reaches the metastore by its service name.
    assert SERVICES["trino"]["environment"]["STEDI_METASTORE_HOST"] == "metastore"


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
