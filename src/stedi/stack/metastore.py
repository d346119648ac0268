"""The Hive Metastore: the catalog Trino's hive and iceberg catalogs share.

The standalone server (Maven Central) on PostgreSQL (src/stedi/stack/postgres.py),
configured by the committed stack/metastore/conf (the same files
docker-compose.yml mounts), listening on 127.0.0.1 only. Its schema is created
once with the server's own schematool; tables stay registered across
`stedi stack down` / `up` because the catalog lives in PostgreSQL.

    >>> from stedi.settings import Settings
    >>> svc = MetastoreService(Settings.from_env())
    >>> svc.start()           # installs if missing, waits for a real thrift call
    >>> svc.databases()
    ['default', 'stedi_curated', ...]
    >>> svc.stop()
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess

from stedi.errors import StackError
from stedi.settings import METASTORE_DB, Settings
from stedi.stack import install
from stedi.stack.postgres import PostgresService
from stedi.stack.process import Service, log_tail, require_free_port

MAIN_CLASS = "org.apache.hadoop.hive.metastore.HiveMetaStore"
SCHEMA_TOOL = "org.apache.hadoop.hive.metastore.tools.schematool.MetastoreSchemaTool"


class MetastoreService(Service):
    name = "Hive Metastore"

    def __init__(self, settings: Settings, postgres: PostgresService | None = None):
        self.settings = settings
        self.postgres = postgres or PostgresService(settings)
        self.home = settings.state_dir / "metastore"
        self.pid_file = self.home / "metastore.pid"
        self.log = self.home / "metastore.log"

    @property
    def url(self) -> str:
        return self.settings.metastore_uri

    @contextlib.contextmanager
    def client(self):
        """A thrift client (the one PyIceberg ships) to the running metastore."""
        from hive_metastore.ThriftHiveMetastore import Client
        from thrift.protocol import TBinaryProtocol
        from thrift.transport import TSocket, TTransport

        # A refused connection while it starts is expected: no log line per probe.
        logging.getLogger("thrift.transport.TSocket").setLevel(logging.CRITICAL)
        sock = TSocket.TSocket(self.settings.metastore_host, self.settings.metastore_port)
        sock.setTimeout(5000)
        transport = TTransport.TBufferedTransport(sock)
        transport.open()
        try:
            yield Client(TBinaryProtocol.TBinaryProtocol(transport))
        finally:
            transport.close()

    def databases(self) -> list[str]:
        with self.client() as client:
            return client.get_all_databases()

    def is_ready(self) -> bool:
        try:  # readiness is a real catalog call, not an open port
            return "default" in self.databases()
        except Exception:  # noqa: BLE001 -- any failure of the probe means "not ready yet"
            return False

    def _java(self, java_home, home, main: str, *args: str) -> list[str]:
        classpath = os.pathsep.join([str(home / "lib" / "*"), str(home / "hadoop-lib" / "*"),
                                     str(self.settings.metastore_conf_dir)])
        return [str(java_home / "bin" / "java"), "-Xmx512m", "-cp", classpath, main, *args]

    def _env(self, home) -> dict[str, str]:
        return dict(self.settings.service_env(), METASTORE_HOME=str(home))

    def _ensure_schema(self, java_home, home) -> None:
        """Create the metastore's tables in PostgreSQL once (schematool)."""
        exists = self.postgres.query(
            "select count(*) from information_schema.tables where table_name = 'VERSION'",
            database=METASTORE_DB)
        if exists == "1":
            return
        log = self.home / "schematool.log"
        with log.open("w") as out:
            proc = subprocess.run(
                self._java(java_home, home, SCHEMA_TOOL, "-dbType", "postgres", "-initSchema"),
                stdout=out, stderr=subprocess.STDOUT, env=self._env(home), check=False,
            )
        if proc.returncode != 0:
            raise StackError(f"{self.name} schema creation failed (exit {proc.returncode}); "
                             f"log: {log}\n{log_tail(log)}")

    def start(self, timeout: float = 180.0) -> float:
        """Start (or find running) PostgreSQL and the metastore; returns the
        seconds spent waiting for the metastore."""
        self.postgres.start()
        if self.is_running():
            return self.wait_ready(timeout)
        s = self.settings
        require_free_port(s.metastore_host, s.metastore_port, self.name, "STEDI_METASTORE_PORT")
        java_home = install.find_metastore_java()
        home = install.install_metastore(s)
        self.home.mkdir(parents=True, exist_ok=True)
        self._ensure_schema(java_home, home)
        with self.log.open("ab") as log:
            proc = subprocess.Popen(
                self._java(java_home, home, MAIN_CLASS),
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=self._env(home), start_new_session=True,
            )
        self.pid_file.write_text(str(proc.pid))
        return self.wait_ready(timeout)

    def stop(self, timeout: float = 30.0) -> None:
        super().stop(timeout)
        self.postgres.stop(timeout)
