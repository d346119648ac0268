"""The local stack as a whole: MinIO and the bucket, then the catalog
(PostgreSQL + Hive Metastore), then Trino.

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
from stedi.settings import Settings
from stedi.stack import minio, prereqs
from stedi.stack.metastore import MetastoreService
from stedi.stack.minio import MinioService
from stedi.stack.trino import TrinoService


@dataclass
class Stack:
    settings: Settings

    def __post_init__(self):
        self.minio = MinioService(self.settings)
        self.metastore = MetastoreService(self.settings)
        self.postgres = self.metastore.postgres
        self.trino = TrinoService(self.settings)

    def up(self) -> dict[str, float]:
        """Start the services (installing them if needed); returns timings."""
        prereqs.ensure(self.settings)  # or stop now, before any download
        t0 = time.monotonic()
        self.minio.start()
        s3.ensure_bucket(self.settings)
        minio.ensure_trino_user(self.settings)  # before Trino, which reaches MinIO as it
        t1 = time.monotonic()
        self.metastore.start()  # PostgreSQL first, then the metastore on it
        t2 = time.monotonic()
        self.trino.start()
        t3 = time.monotonic()
        timings = {"minio_s": t1 - t0, "metastore_s": t2 - t1, "trino_s": t3 - t2,
                   "total_s": t3 - t0}
        print(
            f"[stedi] stack up in {timings['total_s']:.1f}s "
            f"(MinIO {timings['minio_s']:.1f}s, PostgreSQL + metastore "
            f"{timings['metastore_s']:.1f}s, Trino {timings['trino_s']:.1f}s)",
            file=sys.stderr,
        )
        return timings

    def down(self) -> None:
        self.trino.stop()
        self.metastore.stop()  # and PostgreSQL
        self.minio.stop()

    def status(self) -> dict[str, str]:
        return {"minio": self.minio.status(), "postgres": self.postgres.status(),
                "metastore": self.metastore.status(), "trino": self.trino.status()}

