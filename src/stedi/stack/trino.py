"""The Trino service: one coordinator that is also its worker, on loopback.

It runs the committed config in stack/trino/etc (the same files that
docker-compose.yml mounts), on the JDK that `install.find_java` picks.

    >>> from stedi.settings import Settings
    >>> svc = TrinoService(Settings.from_env())
    >>> svc.start()           # installs Trino if missing, waits for a table scan
    >>> svc.query("select 1")
    [[1]]
    >>> svc.stop()
"""

from __future__ import annotations

import os
import re
import subprocess

from stedi.errors import StackError
from stedi.settings import Settings
from stedi.stack import install
from stedi.stack.process import Service, log_tail, require_free_port

# The readiness scan's catalog is missing from a Trino that answers queries: one
# started before catalog/readiness.properties existed (catalogs load at start).
MISSING_CATALOG = re.compile(r"[Cc]atalog '?readiness'? (?:not found|does not exist)")
RESTART = ("A Trino started before catalog/readiness.properties existed: "
           "run `stedi stack down` then `stedi stack up`.")


class TrinoService(Service):
    name = "Trino"

    def __init__(self, settings: Settings):
        self.settings = settings
        self.data_dir = settings.state_dir / "trino"
        self.pid_file = self.data_dir / "var" / "run" / "launcher.pid"
        self.log = self.data_dir / "var" / "log" / "server.log"
        self.launcher_log = self.data_dir / "var" / "log" / "launcher.log"
        self.last_probe_error = ""  # what the last readiness check said, for a timeout

    @property
    def url(self) -> str:
        return self.settings.trino_url

    def connect(self, **kwargs):
        import trino  # imported here so `stedi stack status` stays light

        return trino.dbapi.connect(
            host=self.settings.trino_host, port=self.settings.trino_port,
            user="stedi", **kwargs,
        )

    def query(self, sql: str) -> list[list]:
        cur = self.connect().cursor()
        cur.execute(sql)
        return cur.fetchall()

    def is_ready(self) -> bool:
        """A table scan runs: stack/trino/healthcheck.sh, compose's healthcheck too."""
        probe = self.settings.project_dir / "stack" / "trino" / "healthcheck.sh"
        env = {"PATH": os.environ.get("PATH", ""), "STEDI_TRINO_PORT": str(self.settings.trino_port)}
        try:
            proc = subprocess.run(["bash", str(probe)], env=env, capture_output=True, text=True,
                                  timeout=60, check=False)
        except subprocess.TimeoutExpired:
            self.last_probe_error = "the readiness check took over 60 s"
            return False
        self.last_probe_error = proc.stderr.strip()
        if MISSING_CATALOG.search(self.last_probe_error):  # Trino answers: waiting cannot help
            raise StackError(f"Trino is up without its readiness catalog\nlast readiness check: "
                             f"{self.last_probe_error}\n{RESTART}")
        return proc.returncode == 0

    def wait_ready(self, timeout: float) -> float:
        self.last_probe_error = ""
        try:
            return super().wait_ready(timeout)
        except StackError as err:
            if not self.last_probe_error or MISSING_CATALOG.search(self.last_probe_error):
                raise
            raise StackError(f"{err}\nlast readiness check: {self.last_probe_error}") from None

    def _launcher(self, command: str, java_home) -> subprocess.CompletedProcess:
        home = install.trino_home(self.settings)
        env = self.settings.service_env()
        env["JAVA_HOME"] = str(java_home)
        env["PATH"] = f"{java_home}/bin{os.pathsep}{env.get('PATH', '')}"
        return subprocess.run(
            [
                str(home / "bin" / "launcher"), command,
                f"--etc-dir={self.settings.trino_etc_dir}",
                f"--data-dir={self.data_dir}",
            ],
            capture_output=True, text=True, env=env, check=False,
        )

    def start(self, timeout: float = 300.0) -> float:
        """Start (or find running) Trino; returns the seconds spent waiting."""
        if self.is_running():
            return self.wait_ready(timeout)
        s = self.settings
        require_free_port(s.trino_host, s.trino_port, self.name, "STEDI_TRINO_PORT")
        java_home = install.find_java(s)
        install.install_trino(s)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        s.trino_spill_dir.mkdir(parents=True, exist_ok=True)
        proc = self._launcher("start", java_home)
        if proc.returncode != 0:
            raise StackError(
                f"Trino launcher failed: {proc.stdout}{proc.stderr}; "
                f"log: {self.launcher_log}\n{log_tail(self.launcher_log)}"
            )
        return self.wait_ready(timeout)

    def stop(self, timeout: float = 60.0) -> None:  # a graceful Trino shutdown takes longer
        super().stop(timeout)
