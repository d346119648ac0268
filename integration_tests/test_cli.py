"""The `stedi` package works installed, not only as an editable install inside
the checkout: it finds the project (dbt_project.yml, profiles.yml.example,
stack/) from STEDI_PROJECT_DIR or the working directory, says so clearly when
there is none, and its wheel holds the product only (the benchmark is its own
package in benchmarks/). No stack needed: nothing here starts a service."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO_ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """A real, non-editable install: a wheel built from a copy of the package
    source (the checkout stays clean), installed into a folder of its own."""
    tmp = tmp_path_factory.mktemp("installed")
    source = tmp / "source"
    source.mkdir()
    shutil.copy(REPO_ROOT / "pyproject.toml", source)
    shutil.copytree(REPO_ROOT / "src", source / "src",
                    ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w",
                    str(tmp / "wheel"), str(source)], check=True)
    wheel = next((tmp / "wheel").glob("stedi_lakehouse-*.whl"))
    subprocess.run([*pip, "install", "--no-deps", "--target", str(tmp / "site"), str(wheel)],
                   check=True)
    return wheel, tmp / "site"


def _stedi(args: list[str], *, cwd: Path, site: Path | None = None, **env_vars):
    env = {k: v for k, v in os.environ.items() if k != "STEDI_PROJECT_DIR"}
    if site is not None:
        env["PYTHONPATH"] = str(site)  # ahead of the editable install's path entry
    env.update(env_vars)
    return subprocess.run([sys.executable, "-m", "stedi.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)


def _stedi_python(code: str, *, cwd: Path, site: Path, **env_vars):
    env = {k: v for k, v in os.environ.items() if k != "STEDI_PROJECT_DIR"}
    env.update(PYTHONPATH=str(site), **env_vars)
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_the_wheel_holds_the_product_only(installed):
    wheel, _ = installed
    packages = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()
                if name.endswith(".py")}
    assert packages == {"stedi"}
    assert not [n for n in zipfile.ZipFile(wheel).namelist() if "bench" in n]


def test_installed_cli_finds_the_project_from_stedi_project_dir(installed, tmp_path):
    _, site = installed
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = _stedi_python(
        "import stedi.settings as s; print(s.__file__); print(s.project_dir())",
        cwd=elsewhere, site=site, STEDI_PROJECT_DIR=str(REPO_ROOT),
    )
    module, project = probe.stdout.splitlines()
    assert Path(module).is_relative_to(site)  # the installed copy, not the checkout
    assert Path(project) == REPO_ROOT.resolve()

    status = _stedi(["stack", "status"], cwd=elsewhere, site=site,
                    STEDI_PROJECT_DIR=str(REPO_ROOT), STEDI_STATE_DIR=str(tmp_path / "state"))
    assert status.returncode == 0, status.stderr
    assert dict(line.split(None, 1) for line in status.stdout.splitlines()) == {
        "minio": "stopped", "postgres": "stopped", "metastore": "stopped", "trino": "stopped"}

    # dbt runs in the project directory: it lists the project's models.
    listed = _stedi(["dbt", "ls", "--resource-type", "model", "--output", "json",
                     "--output-keys", "name", "--quiet",
                     "--target-path", str(tmp_path / "target"),
                     "--log-path", str(tmp_path / "logs")],
                    cwd=elsewhere, site=site, STEDI_PROJECT_DIR=str(REPO_ROOT),
                    STEDI_STATE_DIR=str(tmp_path / "state"))
    assert listed.returncode == 0, listed.stdout + listed.stderr
    models = {p.stem for p in (REPO_ROOT / "models").rglob("*.sql")}
    # (one JSON object per model; dbt's stdout also carries the Trino client's log lines)
    assert {json.loads(line)["name"] for line in listed.stdout.splitlines()
            if line.startswith("{")} == models


def test_inside_a_subfolder_the_project_is_found_from_the_working_directory(tmp_path):
    status = _stedi(["stack", "status"], cwd=REPO_ROOT / "models" / "curated",
                    STEDI_STATE_DIR=str(tmp_path / "state"))
    assert status.returncode == 0, status.stderr


def test_outside_any_project_the_cli_says_where_it_looked(tmp_path):
    status = _stedi(["stack", "status"], cwd=tmp_path, STEDI_STATE_DIR=str(tmp_path))
    assert status.returncode == 1
    assert status.stdout == ""
    assert str(tmp_path.resolve()) in status.stderr and "STEDI_PROJECT_DIR" in status.stderr

    wrong = _stedi(["stack", "status"], cwd=tmp_path, STEDI_PROJECT_DIR=str(tmp_path))
    assert wrong.returncode == 1
    assert f"STEDI_PROJECT_DIR={tmp_path}" in wrong.stderr


WRITER = """
import sys
from dataclasses import replace
from pathlib import Path
from stedi import dbt_runner
from stedi.settings import Settings
settings = replace(Settings.from_env(), state_dir=Path(sys.argv[1]))
for _ in range(int(sys.argv[2])):
    dbt_runner.profiles_dir(settings)
"""


def test_a_profile_being_written_is_never_read_half_written(tmp_path, monkeypatch):
    """Every stedi command writes the dbt profile it runs with (profiles_dir);
    two commands at once on one machine (a build and an erasure, or two pytest
    workers) share it: a dbt starting meanwhile reads the whole profile, never
    an empty or cut one."""
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    example = (REPO_ROOT / "profiles.yml.example").read_bytes()
    profile = tmp_path / "dbt-profile" / "profiles.yml"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), "3000"],
                                cwd=REPO_ROOT) for _ in range(2)]
    reads, torn = 0, 0
    while any(w.poll() is None for w in writers):
        try:
            reads += 1
            torn += profile.read_bytes() != example
        except FileNotFoundError:
            pass
    assert all(w.returncode == 0 for w in writers)
    assert reads > 100 and torn == 0, (reads, torn)
