"""PostgreSQL: the database the Hive Metastore keeps the catalog in.

Debian's server binaries (`apt-get install postgresql`), a cluster of our own
in $STEDI_STATE_DIR/postgres/data, TCP on 127.0.0.1 only (no Unix socket),
password authentication with the credentials from the environment
(STEDI_METASTORE_DB_USER / STEDI_METASTORE_DB_PASSWORD). PostgreSQL refuses to
run as root: under root it runs as the `postgres` system user the package
creates. That user cannot enter a checkout under a folder only root may enter
(a 0700 home such as /root): then the cluster lives in a folder of its own
under the `postgres` user's home, named for the state directory
(/var/lib/postgresql/stedi/<hash>/data); the log and pid file stay in
$STEDI_STATE_DIR/postgres.

    >>> from stedi.settings import Settings
    >>> svc = PostgresService(Settings.from_env())
    >>> svc.start()            # initdb on first start, waits for `select 1`
    >>> svc.query("select 1")
    '1'
    >>> svc.stop()
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import signal
import subprocess
from pathlib import Path

from stedi.errors import StackError
from stedi.settings import METASTORE_DB, Settings
from stedi.stack import install
from stedi.stack.process import Service, require_free_port, terminate

# Where the cluster goes, under the `postgres` user's home, when that user
# cannot reach the state directory (see the module docstring).
FALLBACK_DIR = "stedi"


class PostgresService(Service):
    name = "PostgreSQL"

    def __init__(self, settings: Settings):
        self.settings = settings
        self.home = settings.state_dir / "postgres"
        self.pid_file = self.home / "postgres.pid"
        self.log = self.home / "postgres.log"

    @property
    def url(self) -> str:
        return f"{self.settings.metastore_host}:{self.settings.postgres_port}"

    def _user(self) -> pwd.struct_passwd | None:
        """The system user to run as: None (ourselves) unless we are root."""
        if os.geteuid() != 0:
            return None
        try:
            return pwd.getpwnam("postgres")
        except KeyError as exc:
            raise StackError("PostgreSQL cannot run as root and there is no `postgres` "
                             "user; install Debian's postgresql package.") from exc

    def cluster_home(self) -> Path:
        """The folder of the cluster: <state dir>/postgres, unless we are root and
        the `postgres` user cannot write there (a 0700 folder above it)."""
        user = self._user()
        if user is None:
            return self.home
        self.home.mkdir(parents=True, exist_ok=True)
        os.chown(self.home, user.pw_uid, user.pw_gid)
        if self._can_write(self.home):
            return self.home
        key = hashlib.sha256(str(self.home.resolve()).encode()).hexdigest()[:16]
        return Path(user.pw_dir) / FALLBACK_DIR / key

    def _can_write(self, folder: Path) -> bool:
        """Whether the user PostgreSQL runs as can enter and write `folder` (asked
        of the system as that user, so every folder above counts)."""
        proc = subprocess.run(["test", "-w", str(folder), "-a", "-x", str(folder)],
                              cwd="/", check=False, **self._run_as())
        return proc.returncode == 0

    @property
    def data(self) -> Path:
        return self.cluster_home() / "data"

    def _run_as(self) -> dict:
        user = self._user()
        return {} if user is None else {"user": user.pw_uid, "group": user.pw_gid,
                                        "extra_groups": []}

    def query(self, sql: str, database: str = "postgres") -> str:
        """Run one statement with psql over TCP; returns its unaligned output."""
        s = self.settings
        proc = subprocess.run(
            [str(install.find_postgres() / "psql"), "-h", s.metastore_host,
             "-p", str(s.postgres_port), "-U", s.metastore_db_user, "-d", database,
             "-v", "ON_ERROR_STOP=1", "-tAc", sql],
            capture_output=True, text=True, check=False,
            env=dict(os.environ, PGPASSWORD=s.metastore_db_password, PGCONNECT_TIMEOUT="3"),
        )
        if proc.returncode != 0:
            raise StackError(f"psql failed: {proc.stderr.strip()}")
        return proc.stdout.strip()

    def is_ready(self) -> bool:
        try:  # readiness is a real query, not an open port
            return self.query("select 1") == "1"
        except StackError:
            return False

    def _initdb(self, bindir, home: Path) -> None:
        s = self.settings
        user = self._user()
        shutil.rmtree(home / "data", ignore_errors=True)
        created = [p for p in (home, *home.parents) if not p.exists()]
        home.mkdir(parents=True, exist_ok=True)
        pwfile = home / ".initdb-password"
        pwfile.write_text(s.metastore_db_password + "\n")
        if user is not None:
            for path in (*created, home, pwfile):
                os.chown(path, user.pw_uid, user.pw_gid)
        try:
            proc = subprocess.run(
                [str(bindir / "initdb"), "-D", str(home / "data"), "-U", s.metastore_db_user,
                 f"--pwfile={pwfile}", "--auth=scram-sha-256", "-E", "UTF8",
                 "--locale=C"],
                capture_output=True, text=True, check=False, cwd=home, **self._run_as(),
            )
        finally:
            pwfile.unlink(missing_ok=True)
        if proc.returncode != 0:
            raise StackError(f"PostgreSQL initdb failed: {proc.stdout}{proc.stderr}")

    def start(self, timeout: float = 60.0) -> float:
        """Start (or find running) PostgreSQL with the metastore's database."""
        if self.is_running():
            waited = self.wait_ready(timeout)
            self._ensure_database()
            return waited
        s = self.settings
        bindir = install.find_postgres()
        require_free_port(s.metastore_host, s.postgres_port, self.name, "STEDI_POSTGRES_PORT")
        home = self.cluster_home()
        if not (home / "data" / "PG_VERSION").exists():
            self._initdb(bindir, home)
        user = self._user()
        if user is not None:  # e.g. a state dir created by root
            os.chown(self.home, user.pw_uid, user.pw_gid)
        with self.log.open("ab") as log:
            if user is not None:
                os.fchown(log.fileno(), user.pw_uid, user.pw_gid)
            proc = subprocess.Popen(
                [str(bindir / "postgres"), "-D", str(home / "data"),
                 "-c", f"listen_addresses={s.metastore_host}", "-p", str(s.postgres_port),
                 "-c", "unix_socket_directories="],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, cwd=home, **self._run_as(),
            )
        self.pid_file.write_text(str(proc.pid))
        waited = self.wait_ready(timeout)
        self._ensure_database()
        return waited

    def _ensure_database(self) -> None:
        if self.query(f"select 1 from pg_database where datname = '{METASTORE_DB}'") != "1":
            self.query(f"create database {METASTORE_DB}")

    def stop(self, timeout: float = 30.0) -> None:
        # SIGINT is PostgreSQL's "fast" shutdown (SIGTERM waits for clients).
        terminate(self.pid(), timeout=timeout, sig=signal.SIGINT)
        self.pid_file.unlink(missing_ok=True)
