"""SQLFluff passes on every model and singular test with the committed config;
ruff passes on the Python tooling and the integration tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from stedi.settings import REPO_ROOT


def test_sqlfluff_lint_passes_on_models_and_tests():
    sqlfluff = Path(sys.executable).parent / "sqlfluff"
    proc = subprocess.run(
        [str(sqlfluff), "lint", "models", "tests"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "All Finished" in proc.stdout


def test_ruff_passes_on_the_python_tooling_and_tests():
    ruff = Path(sys.executable).parent / "ruff"
    proc = subprocess.run(
        [str(ruff), "check", "src", "integration_tests"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
