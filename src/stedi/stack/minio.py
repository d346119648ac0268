"""The MinIO service: object storage for landing files and Iceberg tables.

    >>> from stedi.settings import Settings
    >>> svc = MinioService(Settings.from_env())
    >>> svc.start()            # builds MinIO if missing, waits for /minio/health/live
    >>> svc.status()
    'running (pid 1234) at http://127.0.0.1:9000'
    >>> svc.stop()
"""

from __future__ import annotations

import subprocess

from stedi.errors import StackError
from stedi.settings import Settings
from stedi.stack import install
from stedi.stack.process import Service, http_get, require_free_port


class MinioService(Service):
    name = "MinIO"

    def __init__(self, settings: Settings):
        self.settings = settings
        self.home = settings.state_dir / "minio"
        self.pid_file = self.home / "minio.pid"
        self.log = self.home / "minio.log"
        self.data = self.home / "data"

    @property
    def url(self) -> str:
        return self.settings.s3_endpoint

    def is_ready(self) -> bool:
        return http_get(f"{self.url}/minio/health/live")[0] == 200

    def start(self, timeout: float = 120.0) -> float:
        """Start (or find running) MinIO; returns the seconds spent waiting."""
        if self.is_running():
            return self.wait_ready(timeout)
        s = self.settings
        if len(s.minio_password) < 8:
            raise StackError("MINIO_ROOT_PASSWORD must be at least 8 characters.")
        require_free_port(s.minio_host, s.minio_port, self.name, "STEDI_MINIO_PORT")
        require_free_port(
            s.minio_host, s.minio_console_port, "MinIO console", "STEDI_MINIO_CONSOLE_PORT"
        )
        binary = install.install_minio(s)
        self.data.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            proc = subprocess.Popen(
                [
                    str(binary), "server", str(self.data),
                    "--address", f"{s.minio_host}:{s.minio_port}",
                    "--console-address", f"{s.minio_host}:{s.minio_console_port}",
                ],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=s.service_env(), start_new_session=True,
            )
        self.pid_file.write_text(str(proc.pid))
        return self.wait_ready(timeout)
