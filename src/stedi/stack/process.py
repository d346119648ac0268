"""What the services share: pid files, ports, waiting for readiness, and the
Service base class (pid, running, status, wait, stop) MinIO and Trino extend."""

from __future__ import annotations

import os
import signal
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from stedi.errors import StackError


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited child not yet reaped) is not alive.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        return state != "Z"
    except OSError:
        return True


def read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def require_free_port(host: str, port: int, service: str, variable: str) -> None:
    if port_in_use(host, port):
        raise StackError(
            f"{service} cannot start: port {host}:{port} is already taken by another "
            f"process. Stop it, or choose another port with {variable}=<port>."
        )


def http_get(url: str, timeout: float = 2.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (urllib.error.URLError, OSError):
        return 0, ""


def log_tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log written)"


def wait_until(
    ready: Callable[[], bool],
    *,
    service: str,
    pid: Callable[[], int | None],
    log: Path,
    timeout: float,
) -> float:
    """Poll `ready` until true; fail fast with the log if the process died."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if ready():
            return time.monotonic() - start
        if not pid_alive(pid()):
            raise StackError(
                f"{service} exited during start-up; log: {log}\n{log_tail(log)}"
            )
        time.sleep(0.5)
    raise StackError(
        f"{service} was not ready after {timeout:.0f}s; log: {log}\n{log_tail(log)}"
    )


def terminate(pid: int | None, timeout: float = 30.0, sig: int = signal.SIGTERM) -> None:
    if not pid_alive(pid):
        return
    os.kill(pid, sig)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and pid_alive(pid):
        time.sleep(0.2)
    if pid_alive(pid):
        os.kill(pid, signal.SIGKILL)


class Service:
    """A local server process with a pid file and a readiness check.

    A subclass sets `name`, `pid_file` and `log`, and defines `url` and
    `is_ready()` (a real check: a health endpoint, a query) and `start()`.
    """

    name: str
    pid_file: Path
    log: Path

    @property
    def url(self) -> str:
        raise NotImplementedError

    def is_ready(self) -> bool:
        raise NotImplementedError

    def pid(self) -> int | None:
        return read_pid(self.pid_file)

    def is_running(self) -> bool:
        return pid_alive(self.pid())

    def status(self) -> str:
        if not self.is_running():
            return "stopped"
        state = "running" if self.is_ready() else "starting (not ready)"
        return f"{state} (pid {self.pid()}) at {self.url}"

    def wait_ready(self, timeout: float) -> float:
        """Wait until ready (failing fast if the process dies); returns the seconds."""
        return wait_until(self.is_ready, service=self.name, pid=self.pid, log=self.log,
                          timeout=timeout)

    def stop(self, timeout: float = 30.0) -> None:
        terminate(self.pid(), timeout=timeout)
        self.pid_file.unlink(missing_ok=True)
