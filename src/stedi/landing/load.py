"""Upload a landing folder to s3://<bucket>/<entity>/landing/.

The folder has the reference layout (customer/landing/*.json, …). Loading
again replaces: objects under a landing prefix that are not in the folder are
deleted, changed files are overwritten, nothing is duplicated. A file whose
content is already there (same SHA-256, kept in the object's metadata) is not
uploaded again, so its modified time stays and incremental runs skip it.
Every file uploaded is screened first: the lines of a person who asked to be
forgotten (`stedi forget`, forgotten.Screen) are left out, so a local folder
that still holds them never brings them back into the lake.

    >>> load_landing(Settings.from_env(), Path("../shared/data/stedi"))
    {'customer': 1, 'accelerometer': 9, 'step_trainer': 3}
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from stedi import lock, s3
from stedi.errors import StackError
from stedi.lakehouse import ENTITIES, landing_prefix
from stedi.privacy.forgotten import Screen
from stedi.settings import Settings

# Newline-delimited JSON, plain or gzip-compressed (both engines read .gz text).
LANDING_PATTERNS = ("*.json", "*.json.gz")


def _found(folder: Path) -> dict[str, list[Path]]:
    return {
        e: sorted(p for pattern in LANDING_PATTERNS for p in (folder / e / "landing").glob(pattern))
        for e in ENTITIES
    }


def has_landing_files(folder: Path) -> bool:
    """Whether the folder holds any file the loader would upload (.json or .json.gz)."""
    return folder.is_dir() and any(_found(folder).values())


def landing_files(folder: Path, require: bool = True) -> dict[str, list[Path]]:
    """The landing files of `folder` per entity; with `require`, a clear error
    when there is none."""
    if not folder.is_dir():
        if not require:
            return {e: [] for e in ENTITIES}
        raise StackError(f"Landing folder {folder} does not exist.")
    found = _found(folder)
    if require and not any(found.values()):
        raise StackError(
            f"{folder} holds no landing files: expected "
            + ", ".join(f"{e}/landing/*.json[.gz]" for e in ENTITIES)
        )
    return found


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_local(path: Path) -> bytes:
    """A landing file's lines (a .gz file decompressed)."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def load_landing(settings: Settings, folder: Path) -> dict[str, int]:
    """Make each landing prefix hold exactly the folder's files; returns the
    number of files per entity (uploaded or already there)."""
    files = landing_files(folder)
    client = s3.client(settings)
    s3.ensure_bucket(settings)
    with lock.hold(settings, "stedi load"):    # never under a running build
        return _load(settings, client, files)


def _load(settings: Settings, client, files: dict[str, list[Path]]) -> dict[str, int]:
    screen = None  # the requests to be forgotten, read once a file is to be uploaded
    loaded = {}
    for entity, paths in files.items():
        prefix = landing_prefix(entity)
        wanted = {prefix + p.name: p for p in paths}
        present = set(s3.list_keys(settings, prefix))
        for key in present - wanted.keys():
            client.delete_object(Bucket=settings.bucket, Key=key)
        for key, path in wanted.items():
            digest = sha256(path)
            stored = (client.head_object(Bucket=settings.bucket, Key=key).get("Metadata", {})
                      if key in present else {})
            if stored.get("sha256") == digest:
                continue
            if screen is None:
                screen = Screen.from_registry(settings)
            kept, removed = screen.apply(entity, read_local(path)) if screen else (b"", 0)
            if removed:
                body = gzip.compress(kept, mtime=0) if path.name.endswith(".gz") else kept
                client.put_object(Bucket=settings.bucket, Key=key, Body=body,
                                  Metadata={"sha256": digest})
            else:
                client.upload_file(str(path), settings.bucket, key,
                                   ExtraArgs={"Metadata": {"sha256": digest}})
        loaded[entity] = len(paths)
    return loaded
