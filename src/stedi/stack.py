"""The local stack as a whole: MinIO, then Trino, then the bucket.

    >>> from stedi.settings import Settings
    >>> stack = Stack(Settings.from_env())
    >>> stack.up()                      # installs what is missing, waits until ready
    >>> stack.trino.query("show catalogs")
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from stedi import s3
from stedi.minio import MinioService
from stedi.settings import Settings
from stedi.trino import TrinoService


@dataclass
class Stack:
    settings: Settings

    def __post_init__(self):
        self.minio = MinioService(self.settings)
        self.trino = TrinoService(self.settings)

    def up(self) -> dict[str, float]:
        """Start both services (installing them if needed); returns timings."""
        t0 = time.monotonic()
        self.minio.start()
        s3.ensure_bucket(self.settings)
        t1 = time.monotonic()
        self.trino.start()
        t2 = time.monotonic()
        timings = {"minio_s": t1 - t0, "trino_s": t2 - t1, "total_s": t2 - t0}
        print(
            f"[stedi] stack up in {timings['total_s']:.1f}s "
            f"(MinIO {timings['minio_s']:.1f}s, Trino {timings['trino_s']:.1f}s)",
            file=sys.stderr,
        )
        return timings

    def down(self) -> None:
        self.trino.stop()
        self.minio.stop()

    def status(self) -> dict[str, str]:
        return {"minio": self.minio.status(), "trino": self.trino.status()}

