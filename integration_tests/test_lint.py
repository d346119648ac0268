"""SQLFluff passes on every model and singular test with the committed config;
ruff passes on the Python tooling and the integration tests; the pre-commit
hooks run those same linters from the venv."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import REPO_ROOT


def _lint(tool: str, *args: str) -> subprocess.CompletedProcess:
    """Run a linter from this venv at the repo root."""
    return subprocess.run(
        [str(Path(sys.executable).parent / tool), *args],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )


def test_sqlfluff_lint_passes_on_models_and_tests():
    proc = _lint("sqlfluff", "lint", "models", "tests", "--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # SQLFluff's structured report: every SQL file was linted, none has a violation.
    linted = {f["filepath"]: f["violations"] for f in json.loads(proc.stdout)}
    ignored = tuple((REPO_ROOT / ".sqlfluffignore").read_text().split())
    every = {str(p.relative_to(REPO_ROOT)) for folder in ("models", "tests")
             for p in (REPO_ROOT / folder).rglob("*.sql")}
    every = {path for path in every if not path.startswith(ignored)}
    assert set(linted) == every
    assert not {path: v for path, v in linted.items() if v}


def test_ruff_passes_on_the_python_tooling_and_tests():
    proc = _lint("ruff", "check", "src", "benchmarks", "integration_tests")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_pre_commit_hooks_run_the_venvs_linters_on_what_make_lint_lints():
    """.pre-commit-config.yaml: local hooks only (no download), each naming a
    command this venv has, on the folders `make lint` lints; pre-commit itself
    accepts the file."""
    config = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {}
    for repo in config["repos"]:
        assert repo["repo"] == "local", repo["repo"]
        for hook in repo["hooks"]:
            assert hook["language"] == "system", hook["id"]
            executable, *args = hook["entry"].split()
            assert executable.startswith(".venv/bin/"), executable
            tool = Path(sys.executable).parent / Path(executable).name
            assert tool.is_file(), f"{hook['id']}: {executable} is not in the venv"
            hooks[Path(executable).name] = (args, re.compile(hook["files"]))
    assert set(hooks) == {"sqlfluff", "ruff"}
    assert hooks["sqlfluff"][0] == ["lint"] and hooks["ruff"][0] == ["check"]
    for tool, files, outside in [
        ("sqlfluff", ["models/trusted/customer_trusted.sql",
                      "tests/trusted/test_trusted__no_row_without_research_consent.sql"],
         "macros/customer_id.sql"),
        ("ruff", ["src/stedi/cli.py", "benchmarks/stedi_bench/bench.py",
                  "integration_tests/test_lint.py"], "docs/consumers.md"),
    ]:
        assert all(hooks[tool][1].search(f) for f in files), tool
        assert not hooks[tool][1].search(outside), tool
    proc = _lint("pre-commit", "validate-config", ".pre-commit-config.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
