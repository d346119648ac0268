"""SQLFluff passes on every model and singular test with the committed config;
ruff passes on the Python tooling and the integration tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
