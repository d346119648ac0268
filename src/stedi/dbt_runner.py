"""Run dbt in this project against the local stack.

    >>> run_dbt(["build"])          # raises StackError when dbt fails
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from stedi.errors import StackError
from stedi.settings import Settings


def profiles_dir(settings: Settings) -> Path:
    """$DBT_PROFILES_DIR if set, else a fresh copy of profiles.yml.example.

    The copy is refreshed on every call, so it never goes stale when the
    example changes; all its values come from environment variables anyway.
    """
    if os.environ.get("DBT_PROFILES_DIR"):
        return Path(os.environ["DBT_PROFILES_DIR"])
    folder = settings.state_dir / "dbt-profile"
    folder.mkdir(parents=True, exist_ok=True)
    # copied under a name of its own, then renamed: a dbt started by another
    # stedi command at the same moment never reads a half-written profile
    partial = folder / f"profiles.yml.{os.getpid()}"
    shutil.copyfile(settings.project_dir / "profiles.yml.example", partial)
    os.replace(partial, folder / "profiles.yml")
    return folder


def target_dir(project: Path) -> Path:
    """Where dbt writes its artifacts (manifest.json, run_results.json, compiled
    SQL): dbt's own $DBT_TARGET_PATH, relative to the project, else target/."""
    return project / os.environ.get("DBT_TARGET_PATH", "target")


def dbt_executable() -> str:
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


def dbt_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ, DBT_PROFILES_DIR=str(profiles_dir(settings)))
    env["STEDI_TRINO_PORT"] = str(settings.trino_port)
    env["STEDI_BUCKET"] = settings.bucket
    env["STEDI_SCHEMA"] = settings.dbt_schema
    return env


def run_dbt(
    args: list[str], settings: Settings | None = None, *, quiet: bool = False, log=None
) -> str:
    """Run one dbt command; returns its output, raises StackError on failure.

    quiet: do not echo dbt's output; log: a text file object that receives it.
    """
    from stedi import lock

    settings = settings or Settings.from_env()
    lock.ensure_held()                    # never a dbt run under a lock already lost
    proc = lock.guard(subprocess.Popen(   # stopped if the lakehouse lock is lost
        [dbt_executable(), *args], cwd=settings.project_dir, env=dbt_env(settings),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    ))
    lines = []
    try:
        for line in proc.stdout:  # stream as dbt prints, keep for the error message
            lines.append(line)
            if log is not None:
                log.write(line)
            elif not quiet:
                sys.stdout.write(line)
        proc.wait()
    finally:
        lock.unguard(proc)
    if proc.returncode != 0:
        failures = [ln.rstrip() for ln in lines if re.search(r"ERROR|FAIL|Error", ln)]
        raise StackError(
            f"`dbt {' '.join(args)}` failed (exit {proc.returncode}); "
            f"see {settings.project_dir / os.environ.get('DBT_LOG_PATH', 'logs') / 'dbt.log'}\n" + "\n".join(failures[-15:])
        )
    return "".join(lines)
