"""Upload a landing folder to s3://<bucket>/<entity>/landing/.

The folder has the reference layout (customer/landing/*.json, …). Loading
again replaces: objects under a landing prefix that are not in the folder are
deleted, changed files are overwritten, nothing is duplicated. A file whose
content is already there (same SHA-256, kept in the object's metadata) is not
uploaded again, so its modified time stays and incremental runs skip it.

    >>> load_landing(Settings.from_env(), Path("../shared/data/stedi"))
    {'customer': 1, 'accelerometer': 9, 'step_trainer': 3}
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from stedi import s3
from stedi.errors import StackError
from stedi.lakehouse import ENTITIES
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


def landing_files(folder: Path) -> dict[str, list[Path]]:
    if not folder.is_dir():
        raise StackError(f"Landing folder {folder} does not exist.")
    found = _found(folder)
    if not any(found.values()):
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


def load_landing(settings: Settings, folder: Path) -> dict[str, int]:
    """Make each landing prefix hold exactly the folder's files; returns the
    number of files per entity (uploaded or already there)."""
    files = landing_files(folder)
    client = s3.client(settings)
    s3.ensure_bucket(settings)
    loaded = {}
    for entity, paths in files.items():
        prefix = f"{entity}/landing/"
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
            client.upload_file(str(path), settings.bucket, key,
                               ExtraArgs={"Metadata": {"sha256": digest}})
        loaded[entity] = len(paths)
    return loaded
