"""The MinIO service: object storage for landing files and Iceberg tables.

    >>> from stedi.settings import Settings
    >>> svc = MinioService(Settings.from_env())
    >>> svc.start()            # builds MinIO if missing, waits for /minio/health/live
    >>> svc.status()
    'running (pid 1234) at http://127.0.0.1:9000'
    >>> svc.stop()
"""

from __future__ import annotations

import json
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


# Every S3 action on every bucket: what the root user could do, but as a user a
# policy can narrow (the denied-delete purge test denies s3:DeleteObject).
TRINO_POLICY_NAME = "stedi-trino"
TRINO_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:*"], "Resource": ["arn:aws:s3:::*"]}]}


def ensure_trino_user(settings: Settings, policy: dict | None = None) -> None:
    """Give Trino a MinIO user of its own (settings.trino_s3_user) with a policy.

    Trino's catalogs reach MinIO as this user, as Athena reaches S3 as an IAM
    role: the MinIO root user, whatever its policy, may do anything. The admin
    API's payloads are encrypted, hence minio-py's MinioAdmin (boto3 has none).
    `policy` is set as given (test_purge_files narrows it); without one, Trino's
    own (TRINO_POLICY) is set only where the stack has none yet: a policy its
    operator narrowed, as an IAM role is, stays as it is through every `stedi
    stack up` (which `make lakehouse` and `stedi athena-check` run too).
    STEDI_TRINO_S3_USER set to the root user keeps Trino on it (nothing made)."""
    if settings.trino_s3_user == settings.minio_user:
        return
    from minio.credentials import StaticProvider
    from minio.minioadmin import MinioAdmin

    admin = MinioAdmin(endpoint=f"{settings.minio_host}:{settings.minio_port}", secure=False,
                       credentials=StaticProvider(settings.minio_user, settings.minio_password))
    admin.user_add(settings.trino_s3_user, settings.trino_s3_secret)
    if policy is not None or TRINO_POLICY_NAME not in json.loads(admin.policy_list()):
        admin.policy_add(TRINO_POLICY_NAME, policy=policy or TRINO_POLICY)
    if TRINO_POLICY_NAME not in json.loads(admin.user_info(settings.trino_s3_user)).get(
            "policyName", "").split(","):
        admin.attach_policy([TRINO_POLICY_NAME], user=settings.trino_s3_user)
