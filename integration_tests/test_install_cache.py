"""The install cache (~/.cache/stedi) is shared by every clone on a machine:
two installs at once must not collide (issue 26: a second `stedi stack up`
read the first one's half-downloaded Trino tarball and failed its SHA-256).

Offline: a stand-in artifact (a small tarball in Maven's layout) is served by a
local http.server, slowly, to installs into an empty cache of the test's own
(STEDI_CACHE_DIR, STEDI_MAVEN_REPO). The installs run `install_tarball`, the
code install_trino and install_metastore run, as real processes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from stedi.errors import StackError
from stedi.settings import MINIO_VERSION, Settings
from stedi.stack import install
from stedi.stack.install import install_tarball

ARTIFACT = "org.example.stedi:standin:1.0:tar.gz"
URL_PATH = "/org/example/stedi/standin/1.0/standin-1.0.tar.gz"
STAMP = "standin 1.0\n"
PAYLOAD = os.urandom(1 << 21)  # 2 MiB that gzip cannot shrink: a download that takes time


def _tarball() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("standin-1.0/payload.bin")
        info.size = len(PAYLOAD)
        tar.addfile(info, io.BytesIO(PAYLOAD))
    return buffer.getvalue()


TARBALL = _tarball()
SHA256 = hashlib.sha256(TARBALL).hexdigest()


class Repo:
    """A Maven repository serving the stand-in in 64 KiB pieces `pause` seconds
    apart; `bad` is how many of the first requests get other bytes (a broken
    mirror or proxy)."""

    def __init__(self, bad: int = 0, pause: float = 0.01):
        self.requests = 0
        self.bad = bad
        repo = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # http.server calls it by this name
                if self.path != URL_PATH:
                    self.send_error(404)
                    return
                repo.requests += 1
                body = TARBALL if repo.requests > repo.bad else TARBALL[::-1]
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                for start in range(0, len(body), 1 << 16):
                    self.wfile.write(body[start:start + (1 << 16)])
                    time.sleep(pause)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()




INSTALL = f"""
import sys
from stedi.stack.install import install_tarball
from stedi.settings import Settings
s = Settings.from_env()
home = install_tarball(s, s.cache_dir / "standin" / "standin-1.0", stamp={STAMP!r},
                       artifact={ARTIFACT!r}, sha256=sys.argv[1], size="2 MB")
print(home)
"""


def _leftovers(cache: Path) -> list[str]:
    """Temporary files or folders an install left in the cache."""
    return sorted(str(p.relative_to(cache)) for p in cache.rglob("*")
                  if p.name.endswith(".part") or p.name.startswith(".extract-"))


def test_two_installs_at_once_into_an_empty_cache_both_succeed(tmp_path):
    cache = tmp_path / "cache"
    # ~6 s a download: longer than the second process takes to start on a busy machine.
    repo = Repo(pause=0.2)
    env = dict(os.environ, STEDI_CACHE_DIR=str(cache), STEDI_MAVEN_REPO=repo.url)

    def install() -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-c", INSTALL, SHA256], env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    # The second starts when the first has written part of its download
    # (issue 26's collision: it read that half file as the tarball).
    procs = [install()]
    downloads = cache / "downloads"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (
            downloads.is_dir() and any(f.stat().st_size for f in downloads.iterdir())):
        time.sleep(0.02)
    procs.append(install())
    results = [(proc.wait(timeout=120), *proc.communicate()) for proc in procs]
    repo.close()
    for code, out, err in results:
        assert code == 0, err
        assert out.strip() == str(cache / "standin" / "standin-1.0")
    # One downloaded and installed; the other waited on the lock, then found it done.
    assert repo.requests == 1
    assert sum("waiting for it" in err for _, _, err in results) == 1, results
    home = cache / "standin" / "standin-1.0"
    assert (home / "payload.bin").read_bytes() == PAYLOAD
    assert (home / ".stedi-installed").read_text() == STAMP
    assert hashlib.sha256((cache / "downloads" / "standin-1.0.tar.gz").read_bytes()
                          ).hexdigest() == SHA256
    assert _leftovers(cache) == []


def _settings(cache: Path, repo: Repo | None) -> Settings:
    settings = dataclasses.replace(Settings.from_env(), cache_dir=cache)
    return dataclasses.replace(settings, maven_repo=repo.url) if repo else settings


def test_a_tarball_failing_its_checksum_is_removed_and_fetched_again(tmp_path):
    """A half download found in the cache (what a killed install, or the old
    code, left) is removed; a download with other bytes is fetched once more."""
    cache = tmp_path / "cache"
    (cache / "downloads").mkdir(parents=True)
    (cache / "downloads" / "standin-1.0.tar.gz").write_bytes(TARBALL[:1000])
    (cache / "downloads" / ".standin-1.0.tar.gz.999999.part").write_bytes(TARBALL[:10])
    repo = Repo(bad=1)
    try:
        home = install_tarball(_settings(cache, repo), cache / "standin" / "standin-1.0",
                               stamp=STAMP, artifact=ARTIFACT, sha256=SHA256, size="2 MB")
    finally:
        repo.close()
    assert repo.requests == 2
    assert (home / "payload.bin").read_bytes() == PAYLOAD
    assert _leftovers(cache) == []


def test_a_mirror_serving_other_bytes_twice_fails_and_leaves_nothing(tmp_path):
    cache = tmp_path / "cache"
    repo = Repo(bad=2)
    try:
        with pytest.raises(StackError, match="did not have the pinned SHA-256 .* twice"):
            install_tarball(_settings(cache, repo), cache / "standin" / "standin-1.0",
                            stamp=STAMP, artifact=ARTIFACT, sha256=SHA256, size="2 MB")
    finally:
        repo.close()
    assert repo.requests == 2
    assert list((cache / "downloads").iterdir()) == []
    assert not (cache / "standin" / "standin-1.0").exists()


def test_only_a_minio_binary_built_with_the_dockerfiles_pins_feeds_the_images(tmp_path):
    """install.native_artifacts, what the compose images take from the native
    install: the tarballs (the image build checks their SHA-256), and a MinIO
    binary only when `go version -m` shows the pinned module, Go and flags. A Go
    binary of another module, built with the same flags, is left out."""
    cache = tmp_path / "cache"
    src = tmp_path / "notminio"
    src.mkdir()
    (src / "go.mod").write_text("module example.com/notminio\n\ngo 1.24\n")
    (src / "main.go").write_text('package main\n\nfunc main() { println("minio") }\n')
    binary = install.minio_binary(_settings(cache, None))
    subprocess.run(["go", "build", "-ldflags=-s -w", "-o", str(binary), "."], cwd=src,
                   env=dict(os.environ, CGO_ENABLED="0", GOTOOLCHAIN="local", GOFLAGS=""),
                   check=True, capture_output=True)
    binary.with_name(f"minio.{MINIO_VERSION}").write_text(MINIO_VERSION + "\n")
    downloads = cache / "downloads"
    downloads.mkdir()
    for name in ("trino-server-476.tar.gz", "hive-standalone-metastore-server-4.0.0-bin.tar.gz"):
        (downloads / name).write_bytes(b"checked again in the image build")
    found = install.native_artifacts(_settings(cache, None))
    assert [p.name for p in found] == ["trino-server-476.tar.gz",
                                       "hive-standalone-metastore-server-4.0.0-bin.tar.gz"]
