"""Run dbt in this project against the local stack.

    >>> run_dbt(["build"])          # raises StackError when dbt fails

Each command is a fork of a server process that imported dbt once (Python's
forkserver), so a script that calls run_dbt needs multiprocessing's
`if __name__ == "__main__":` guard around what it runs.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import re
import shutil
import subprocess
import sys
import threading
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


# What arrived since the last good build, as `stedi build` hands it to its dbt
# (macros/hooks/landing_file_list.sql): an environment variable, not a --vars, because
# dbt parses the whole project again whenever --vars change, and only the files that
# read a changed environment variable (dbt's partial parsing).
LANDING_DELTA = "STEDI_LANDING_DELTA"


def dbt_env(settings: Settings, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a dbt command: this one's, the stack's settings, `extra`.
    A landing delta comes only from `extra` (stedi build), never from the caller's
    shell: a stale one would make a build read only the files it lists."""
    env = dict(os.environ, DBT_PROFILES_DIR=str(profiles_dir(settings)))
    env.pop(LANDING_DELTA, None)
    env.update(extra or {})
    env["STEDI_TRINO_PORT"] = str(settings.trino_port)
    env["STEDI_BUCKET"] = settings.bucket
    env["STEDI_SCHEMA"] = settings.dbt_schema
    env["STEDI_PERSIST_DOCS"] = "true" if settings.persist_docs else "false"
    return env


# A new interpreter spends ~1.8 s importing dbt before it does anything; a fork of one
# that already has costs ~0.1 s (`dbt ls`: 2.5 s -> 0.87 s), and tests and `stedi
# forget` run dbt many times in one process.
_FORKS = multiprocessing.get_context("forkserver")
_FORKS.set_forkserver_preload(["stedi.dbt_runner", "dbt.cli.main", "dbt.adapters.trino"])
# The trino client's note on import that keyring is missing (no OAuth here).
logging.getLogger("trino.auth").setLevel(logging.WARNING)


def _dbt_main(args: list[str], cwd: str, env: dict[str, str], out) -> None:
    """In the fork: dbt's own entry point (the `dbt` script's), in the project,
    with `env` as its environment and its output into `out`."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    os.dup2(out.fileno(), 1)
    os.dup2(out.fileno(), 2)
    out.close()
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    from dbt.cli.main import cli

    cli.main(args=args, prog_name="dbt")


class DbtProcess:
    """A forked dbt command: what run_dbt and lock.guard use of subprocess.Popen
    (pid, stdout, poll, wait, send_signal, returncode)."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str]) -> None:
        reader, writer = _FORKS.Pipe(duplex=False)
        self._process = _FORKS.Process(target=_dbt_main, name="dbt",
                                       args=(args, str(cwd), env, writer))
        self._process.start()
        writer.close()
        self.pid = self._process.pid
        self.stdout = open(os.dup(reader.fileno()), encoding="utf-8", errors="replace")  # noqa: SIM115
        reader.close()
        self._reaping = threading.Lock()   # its exit status is read once, by either thread

    def poll(self) -> int | None:
        with self._reaping:
            return self._process.exitcode

    @property
    def returncode(self) -> int | None:
        return self.poll()

    def wait(self, timeout: float | None = None) -> int:
        if not multiprocessing.connection.wait([self._process.sentinel], timeout):
            raise subprocess.TimeoutExpired("dbt", timeout)
        return self.poll()

    def send_signal(self, sig: int) -> None:
        os.kill(self.pid, sig)


def run_dbt(
    args: list[str], settings: Settings | None = None, *, quiet: bool = False, log=None,
    env: dict[str, str] | None = None,
) -> str:
    """Run one dbt command; returns its output, raises StackError on failure.

    quiet: do not echo dbt's output; log: a text file object that receives it;
    env: environment variables for this command only (dbt_env).
    """
    from stedi import lock

    settings = settings or Settings.from_env()
    lock.ensure_held()                    # never a dbt run under a lock already lost
    # stopped if the lakehouse lock is lost
    proc = lock.guard(DbtProcess(args, settings.project_dir, dbt_env(settings, env)))
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
        proc.stdout.close()
        lock.unguard(proc)
    if proc.returncode != 0:
        failures = [ln.rstrip() for ln in lines if re.search(r"ERROR|FAIL|Error", ln)]
        raise StackError(
            f"`dbt {' '.join(args)}` failed (exit {proc.returncode}); "
            f"see {settings.project_dir / os.environ.get('DBT_LOG_PATH', 'logs') / 'dbt.log'}\n" + "\n".join(failures[-15:])
        )
    return "".join(lines)
