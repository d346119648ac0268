"""`stedi compose up | down`: docker-compose.yml with checks first, and never
left half up.

`docker compose up --wait` alone builds, starts and loads the stack. This runs
the same command, but first makes sure it can succeed (the docker CLI, its
compose v2 plugin, a reachable daemon, every host port free) and builds the
images one service at a time, so that a failure names its service and the fix
before any container starts. If `up` still fails (a service unhealthy, the
loader exiting non-zero), the stack is taken down again (its volumes kept) and
the failing service's last log lines are shown.

    >>> up(Settings.from_env())      # raises StackError naming the service
    >>> down(Settings.from_env(), volumes=True)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from stedi.errors import StackError
from stedi.settings import BASE_IMAGE, Settings
from stedi.stack import install
from stedi.stack.process import port_in_use

# The order images are built in: the quick ones first.
SERVICES = ("postgres", "minio", "load", "metastore", "trino")


def published_ports(settings: Settings) -> list[tuple[str, str, int]]:
    """(service, variable, host port) of every port docker-compose.yml publishes."""
    return [("minio", "STEDI_MINIO_PORT", settings.minio_port),
            ("minio", "STEDI_MINIO_CONSOLE_PORT", settings.minio_console_port),
            ("metastore", "STEDI_METASTORE_PORT", settings.metastore_port),
            ("trino", "STEDI_TRINO_PORT", settings.trino_port)]


NATIVE_CACHE_REPOSITORY = "stedi-native-cache"


def native_cache_image(settings: Settings) -> str | None:
    """An image of what the native install has checked (install.native_artifacts)
    for docker-compose.yml's NATIVE_CACHE build argument: the base image plus
    /opt/stedi-cache/<file>; None when the native install has nothing. Built
    once per set of files (its tag: their names, sizes and times; older tags
    removed), so the service builds' layer cache stays valid while they do."""
    files = install.native_artifacts(settings)
    if not files:
        return None
    base = os.environ.get("STEDI_BASE_IMAGE") or BASE_IMAGE
    facts = base + "\n" + "".join(f"{p.name} {p.stat().st_size} {p.stat().st_mtime_ns}\n"
                                  for p in files)
    image = f"{NATIVE_CACHE_REPOSITORY}:{hashlib.sha256(facts.encode()).hexdigest()[:16]}"
    known = subprocess.run(["docker", "image", "ls", NATIVE_CACHE_REPOSITORY, "--format",
                            "{{.Repository}}:{{.Tag}}"], capture_output=True, text=True,
                           check=False).stdout.split()
    if image in known:
        return image
    print(f"[stedi] docker build {image}: {', '.join(p.name for p in files)}",
          file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix=".docker-context-", dir=settings.cache_dir) as ctx:
        for path in files:  # hard links: the context costs no copy
            os.link(path, Path(ctx) / path.name)
        proc = subprocess.run(["docker", "build", "-q", "-t", image, "-f", "-", ctx],
                              input=f"FROM {base}\nCOPY . /opt/stedi-cache/\n",
                              capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise StackError(f"docker build of the native install's artifacts failed: "
                         f"{proc.stdout}{proc.stderr}")
    for old in known:
        subprocess.run(["docker", "image", "rm", old], capture_output=True, check=False)
    return image


def _env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(STEDI_MINIO_PORT=str(settings.minio_port),
               STEDI_MINIO_CONSOLE_PORT=str(settings.minio_console_port),
               STEDI_METASTORE_PORT=str(settings.metastore_port),
               STEDI_TRINO_PORT=str(settings.trino_port),
               STEDI_BUCKET=settings.bucket,
               STEDI_DATA_DIR=str(settings.data_dir.resolve()))
    return env


def compose(settings: Settings, *args: str, capture: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["docker", "compose", "--project-directory", str(settings.project_dir),
         "-f", str(settings.project_dir / "docker-compose.yml"), *args],
        env=_env(settings), capture_output=capture, text=True, check=False)


def containers(settings: Settings) -> list[dict]:
    """Every container of the project, running or not (`docker compose ps -a`)."""
    proc = compose(settings, "ps", "-a", "--format", "json")
    if proc.returncode != 0 or not proc.stdout.strip():
        return []
    text = proc.stdout.strip()
    if text.startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def check_docker(settings: Settings) -> None:
    """The docker CLI, the compose v2 plugin and a reachable daemon, or the fix."""
    if not shutil.which("docker"):
        raise StackError("docker compose: there is no `docker` command. Install Docker "
                         "(Debian: `sudo apt-get install docker.io` and the compose v2 "
                         "plugin), or use the native stack: `make lakehouse`.")
    if compose(settings, "version").returncode != 0:
        raise StackError("docker compose: the compose v2 plugin is missing (`docker compose "
                         "version` fails). Install it (Docker's `docker-compose-plugin`, or "
                         "see docs/local.md), or use the native stack: `make lakehouse`.")
    info = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"],
                          capture_output=True, text=True, check=False)
    if info.returncode != 0:
        where = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
        raise StackError(f"docker compose: the Docker daemon at {where} does not answer "
                         f"({info.stderr.strip()}). Start it (`sudo systemctl start docker`, "
                         "or Docker Desktop), or set DOCKER_HOST to the one you run.")


def check_ports(settings: Settings) -> None:
    running = {c.get("Service") for c in containers(settings) if c.get("State") == "running"}
    for service, variable, port in published_ports(settings):
        if service not in running and port_in_use("127.0.0.1", port):
            raise StackError(
                f"docker compose: service {service} cannot publish 127.0.0.1:{port}: the "
                f"port is taken by another process (a native `stedi stack up`?). Stop it, "
                f"or choose another port with {variable}=<port>.")


def build_images(settings: Settings) -> None:
    for service in SERVICES:
        print(f"[stedi] docker compose build {service}", file=sys.stderr, flush=True)
        proc = compose(settings, "build", service)
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-20:])
            raise StackError(
                f"docker compose: the image of service {service} failed to build (exit "
                f"{proc.returncode}); nothing was started. Its Dockerfile: "
                f"{_dockerfile(service)}; a download that failed is retried by running "
                f"`stedi compose up` again.\n{tail}")


def _dockerfile(service: str) -> str:
    return "stack/load/Dockerfile" if service == "load" else f"stack/{service}/Dockerfile"


def _failed(settings: Settings) -> list[dict]:
    """Containers that exited non-zero, are unhealthy, or never started."""
    bad = []
    for c in containers(settings):
        state, health = c.get("State"), c.get("Health", "")
        if (state == "exited" and c.get("ExitCode", 0) != 0) or health == "unhealthy" \
                or state in ("created", "dead"):
            bad.append(c)
    return bad


FIXES = {
    "load": "check that STEDI_DATA_DIR ({data}) holds <entity>/landing/*.json[.gz] files",
    "minio": "MINIO_ROOT_PASSWORD must have at least 8 characters",
    "postgres": "after a change of STEDI_METASTORE_DB_PASSWORD, remove the old database "
                "with `stedi compose down --volumes`",
    "metastore": "it needs postgres and minio healthy; see their logs",
    "trino": "it needs the metastore and minio; see its log",
}


def up(settings: Settings, *, timeout: int = 900) -> None:
    """Build, start, load and wait until healthy; or raise StackError with the
    stack down again (volumes kept)."""
    check_docker(settings)
    check_ports(settings)
    if not os.environ.get("STEDI_NATIVE_CACHE_IMAGE"):
        cached = native_cache_image(settings)
        if cached:  # every compose command below builds with it (pull_policy: build)
            os.environ["STEDI_NATIVE_CACHE_IMAGE"] = cached
    build_images(settings)
    proc = compose(settings, "up", "--wait", "--wait-timeout", str(timeout), capture=False)
    if proc.returncode == 0:
        return
    failed = _failed(settings)
    lines = []
    for c in failed:
        service = c.get("Service", "?")
        logs = compose(settings, "logs", "--no-color", "--tail", "15", service)
        fix = FIXES.get(service, "see its log").format(data=settings.data_dir)
        lines.append(f"service {service} {c.get('Status') or c.get('State')}: {fix}.\n"
                     + logs.stdout.strip())
    compose(settings, "down")
    names = ", ".join(c.get("Service", "?") for c in failed) or "unknown"
    raise StackError(f"docker compose up failed (service {names}); the stack was taken "
                     "down again (volumes kept).\n" + "\n".join(lines))


def down(settings: Settings, *, volumes: bool = False) -> None:
    proc = compose(settings, "down", *(["--volumes"] if volumes else []))
    if proc.returncode != 0:
        raise StackError(f"docker compose down failed: {proc.stderr.strip()}")
