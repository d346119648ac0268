"""SQLFluff passes on every model and singular test with the committed config;
ruff passes on the Python tooling and the integration tests."""

from __future__ import annotations

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
    proc = _lint("sqlfluff", "lint", "models", "tests")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "All Finished" in proc.stdout


def test_ruff_passes_on_the_python_tooling_and_tests():
    proc = _lint("ruff", "check", "src", "benchmarks", "integration_tests")
    assert proc.returncode == 0, proc.stdout + proc.stderr
