"""docker-compose.yml for real: the compose tier (`make test-compose`, CI).

On a Docker daemon of its own (dockerhost.py: Debian's docker.io, the pinned
compose plugin, the base image from the Debian mirror), in this order:
bad input first (nothing may start), then what a user runs — `docker compose
up --wait`, the load service's exit code, the production build from the host
with the reference data's exact counts, a warm restart, a loader that fails —
and last `down -v` and the daemon stopped, with nothing of either left behind.
The host ports are the STEDI_*_PORT variables, as for users (CI moves them).
Timings and memory per service go to target/compose-figures.json.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time

import pytest
from conftest import REFERENCE_COUNTS, REPO_ROOT, STEDI
from dockerhost import DockerHost

from stedi.pipeline import counts
from stedi.stack import compose
from stedi.stack.trino import TrinoService

pytestmark = pytest.mark.compose
FIGURES = REPO_ROOT / "target" / "compose-figures.json"
LONG_RUNNING = ("minio", "postgres", "metastore", "trino")


@pytest.fixture(scope="module")
def docker_host(settings, figures):
    """The private daemon, stopped and cleaned on every exit path; a teardown
    error lists anything it left."""
    host = DockerHost()
    saved = {k: os.environ.get(k) for k in [*host.env, "STEDI_NATIVE_CACHE_IMAGE"]}
    try:
        host.up()
        os.environ.update(host.env)
        # A run killed before its teardown (a signal, a session's end) leaves the
        # project's containers in the daemon's data root, which outlives it (the
        # image cache): the bad-input tests below assert that nothing starts.
        down(host)
        assert project_objects(host) == {"containers": [], "volumes": [], "networks": []}
        # What `stedi compose up` does first: the native install's artifacts
        # (CI ran the native tier) feed the image builds.
        start = time.monotonic()
        cached = compose.native_cache_image(settings)
        if cached:
            os.environ["STEDI_NATIVE_CACHE_IMAGE"] = cached
        figures["native_cache_image"] = cached
        figures["native_cache_import_s"] = round(time.monotonic() - start, 1)
        yield host
    finally:
        if host.daemon_pid():
            down(host)
        host.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        left = host.leftovers()
        assert not left, left


@pytest.fixture(scope="module")
def figures():
    data = {}
    yield data
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(json.dumps(data, indent=2) + "\n")


def stedi(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([STEDI, *args], capture_output=True, text=True, check=False,
                          cwd=REPO_ROOT, env=env, timeout=3600)


def down(host) -> None:
    """`docker compose down --volumes`, then whatever else carries the project's label."""
    host.docker("compose", "-f", str(REPO_ROOT / "docker-compose.yml"),
                "down", "--volumes", "--remove-orphans", check=False, cwd=REPO_ROOT)
    left = project_objects(host)
    for kind, cmd in (("containers", ("rm", "-f")), ("networks", ("network", "rm")),
                      ("volumes", ("volume", "rm", "-f"))):
        if left[kind]:
            host.docker(*cmd, *left[kind], check=False)


def project_objects(host) -> dict[str, list[str]]:
    """The compose project's containers, volumes and networks on the daemon."""
    label = "label=com.docker.compose.project=stedi"
    return {kind: host.docker(*cmd, "--filter", label, "-q").stdout.split()
            for kind, cmd in (("containers", ("ps", "-a")), ("volumes", ("volume", "ls")),
                              ("networks", ("network", "ls")))}


# -- bad input: a message naming the service and the fix, and nothing started --------

def test_without_docker_it_says_what_to_install(docker_host, tmp_path):
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                           if not os.path.exists(os.path.join(p, "docker")))
    proc = stedi("compose", "up", env=dict(os.environ, PATH=path))
    assert proc.returncode == 1
    assert "no `docker` command" in proc.stderr and "docker.io" in proc.stderr
    assert project_objects(docker_host)["containers"] == []


def test_with_the_daemon_down_it_says_so(docker_host, tmp_path):
    proc = stedi("compose", "up", env=dict(os.environ, DOCKER_HOST=f"unix://{tmp_path}/none"))
    assert proc.returncode == 1
    assert "does not answer" in proc.stderr and "DOCKER_HOST" in proc.stderr


def test_a_taken_port_names_the_service_and_its_variable(docker_host, settings):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", settings.trino_port))
        squatter.listen()
        proc = stedi("compose", "up")
    assert proc.returncode == 1
    assert "service trino cannot publish" in proc.stderr and "STEDI_TRINO_PORT" in proc.stderr
    assert project_objects(docker_host)["containers"] == []


def test_a_failing_image_build_names_the_service_and_starts_nothing(docker_host):
    proc = stedi("compose", "up", env=dict(os.environ, STEDI_BASE_IMAGE="stedi-no-such-base:0"))
    assert proc.returncode == 1
    assert "image of service postgres failed to build" in proc.stderr
    assert project_objects(docker_host)["containers"] == []


# -- what a user runs ------------------------------------------------------------------

@pytest.fixture(scope="module")
def compose_up(docker_host, settings, figures):
    if "up_failed" in figures:  # pytest would run a failed module fixture once per test
        pytest.fail("docker compose up --wait failed: see the first error")
    figures["up_failed"] = True
    start = time.monotonic()
    proc = subprocess.run(["docker", "compose", "up", "--wait"], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=False, timeout=3600)
    figures["first_up_s"] = round(time.monotonic() - start, 1)
    figures["up_tail"] = (proc.stdout + proc.stderr).strip().splitlines()[-12:]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    del figures["up_failed"]
    return docker_host


def test_up_wait_brings_every_service_up_healthy_and_loads(compose_up, settings):
    state = {c["Service"]: c for c in compose.containers(settings)}
    for service in LONG_RUNNING:
        assert state[service]["State"] == "running", state[service]
        assert state[service]["Health"] == "healthy", state[service]
    assert state["load"]["State"] == "exited" and state["load"]["ExitCode"] == 0


def test_production_build_from_the_host_gives_the_reference_counts(compose_up, settings,
                                                                     figures):
    start = time.monotonic()
    proc = stedi("build", "--no-start", "--expect", "reference")
    figures["host_build_s"] = round(time.monotonic() - start, 1)
    figures["build_tail"] = (proc.stdout + proc.stderr).strip().splitlines()[-14:]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    actual = {name: rows for _, name, rows in counts.row_counts(TrinoService(settings))}
    assert actual == {name: REFERENCE_COUNTS[name] for name in actual}
    assert len(actual) == 8


def test_memory_per_service(compose_up, figures):
    out = compose_up.docker("stats", "--no-stream", "--format", "{{json .}}").stdout
    figures["memory"] = {json.loads(ln)["Name"]: json.loads(ln)["MemUsage"]
                         for ln in out.splitlines() if ln.strip()}
    figures["images"] = compose_up.docker(
        "images", "--format", "{{.Repository}}:{{.Tag}} {{.Size}}").stdout.split("\n")
    assert set(figures["memory"]) >= {f"stedi-{s}-1" for s in LONG_RUNNING}


def test_warm_restart_keeps_the_lake(compose_up, settings, figures):
    assert subprocess.run(["docker", "compose", "down"], cwd=REPO_ROOT,
                          capture_output=True, check=False).returncode == 0
    start = time.monotonic()
    proc = subprocess.run(["docker", "compose", "up", "--wait"], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=False, timeout=1800)
    figures["warm_up_s"] = round(time.monotonic() - start, 1)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    actual = {name: rows for _, name, rows in counts.row_counts(TrinoService(settings))}
    assert actual == {name: REFERENCE_COUNTS[name] for name in actual}


def test_a_failing_load_names_the_service_and_takes_the_stack_down(compose_up, tmp_path):
    empty = tmp_path / "no-landing-files"
    empty.mkdir()
    proc = stedi("compose", "up", "--data-dir", str(empty))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "service load" in proc.stderr and "STEDI_DATA_DIR" in proc.stderr
    assert project_objects(compose_up)["containers"] == []


def test_down_v_then_the_daemon_stopped_leave_nothing(compose_up):
    proc = subprocess.run(["docker", "compose", "down", "-v"], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert project_objects(compose_up) == {"containers": [], "volumes": [], "networks": []}
    compose_up.stop()
    assert compose_up.leftovers() == []
