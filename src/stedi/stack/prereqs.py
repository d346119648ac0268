"""What the native stack needs from the machine, checked before anything starts.

`stedi stack up` (and so `make lakehouse`) calls `ensure()` first: on a fresh
machine it installs the Debian packages the stack runs on when it can (as root,
with apt-get), and otherwise stops at once, before any download, with the one
command that fixes it.

    >>> ensure(Settings.from_env())     # installs or raises StackError

Debian packages: PostgreSQL (the catalog's database), a JDK 17 for the Hive
Metastore, Maven (Trino and the metastore come from Maven Central; needed only
until they are installed in the cache). Go >= 1.24 builds MinIO from source
(needed only until it is built); Debian 12's Go is older, so it is not
installed here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from stedi.errors import StackError
from stedi.settings import Settings
from stedi.stack import install

GO_MIN = (1, 24)


def _found(check) -> bool:
    try:
        check()
        return True
    except StackError:
        return False


def _go_version() -> tuple[int, int] | None:
    go = shutil.which("go")
    if not go:
        return None
    out = subprocess.run([go, "version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"go(\d+)\.(\d+)", out)
    return (int(match[1]), int(match[2])) if match else None


def missing_packages(settings: Settings) -> list[str]:
    """The Debian packages the stack still needs on this machine."""
    needed = []
    if not _found(install.find_postgres):
        needed.append("postgresql")
    if not _found(install.find_metastore_java):
        needed.append("openjdk-17-jre-headless")
    # Maven fetches the metastore's Hadoop jars (the tarballs come over HTTPS).
    metastore_done = (install.metastore_home(settings) / install._MARKER).exists()
    if not metastore_done and not shutil.which("mvn"):
        needed.append("maven")
    return needed


def missing_go(settings: Settings) -> bool:
    if install.minio_binary(settings).exists():
        return False
    version = _go_version()
    return version is None or version < GO_MIN


def ensure(settings: Settings) -> None:
    """Install what apt can (as root), or stop with the command that does it."""
    packages = missing_packages(settings)
    problems = []
    if missing_go(settings):
        problems.append(
            f"MinIO is built from source with Go >= {'.'.join(map(str, GO_MIN))}, and no such "
            "`go` is on PATH (Debian 12's golang-go is 1.19): install Go from its release "
            "archive and put its bin/ on PATH.")
    apt = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    if packages and (os.geteuid() != 0 or not shutil.which("apt-get") or problems):
        problems.append(f"missing Debian packages: run `sudo {' '.join(apt)}`.")
    if problems:
        raise StackError("the local stack cannot start on this machine yet: "
                         + " ".join(problems))
    if packages:
        print(f"[stedi] installing {' '.join(packages)} with apt-get", file=sys.stderr,
              flush=True)
        for cmd in (["apt-get", "update", "-qq"],
                    ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-qq",
                     "--no-install-recommends", *packages]):
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False,
                                  env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
            if proc.returncode != 0:
                raise StackError(f"`{' '.join(cmd)}` failed (exit {proc.returncode}):\n"
                                 + proc.stdout[-2000:] + proc.stderr[-2000:])
