"""A first run on a fresh machine: what the native stack needs from it is set up
or named at once, before any download or server start."""

from __future__ import annotations

import os
import subprocess
import time

from conftest import REPO_ROOT, STEDI


def test_stack_up_without_go_stops_at_once_with_the_fix(tmp_path):
    """No Go on PATH and MinIO not built yet: `stedi stack up` stops before it
    downloads or starts anything, and says what to install."""
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                           if not (os.path.exists(os.path.join(p, "go"))))
    env = dict(os.environ, PATH=path, STEDI_CACHE_DIR=str(tmp_path / "cache"),
               STEDI_STATE_DIR=str(tmp_path / "state"), STEDI_PROJECT_DIR=str(REPO_ROOT),
               STEDI_MINIO_PORT="1", STEDI_TRINO_PORT="1")
    start = time.monotonic()
    proc = subprocess.run([STEDI, "stack", "up"], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Go >= 1.24" in proc.stderr
    assert time.monotonic() - start < 60
    assert not (tmp_path / "cache").exists() and not (tmp_path / "state").exists()
