"""Upload a landing folder to s3://<bucket>/<entity>/landing/.

The folder has the reference layout (customer/landing/*.json, …). Loading
again replaces: objects under a landing prefix that are not in the folder are
deleted, files are overwritten, nothing is duplicated.

    >>> load_landing(Settings.from_env(), Path("../shared/data/stedi"))
    {'customer': 1, 'accelerometer': 9, 'step_trainer': 3}
"""

from __future__ import annotations

from pathlib import Path

from stedi import s3
from stedi.errors import StackError
from stedi.settings import LANDING_ENTITIES, Settings

# Newline-delimited JSON, plain or gzip-compressed (both engines read .gz text).
LANDING_PATTERNS = ("*.json", "*.json.gz")


def landing_files(folder: Path) -> dict[str, list[Path]]:
    if not folder.is_dir():
        raise StackError(f"Landing folder {folder} does not exist.")
    found = {
        e: sorted(p for pattern in LANDING_PATTERNS for p in (folder / e / "landing").glob(pattern))
        for e in LANDING_ENTITIES
    }
    if not any(found.values()):
        raise StackError(
            f"{folder} holds no landing files: expected "
            + ", ".join(f"{e}/landing/*.json" for e in LANDING_ENTITIES)
        )
    return found


def load_landing(settings: Settings, folder: Path) -> dict[str, int]:
    files = landing_files(folder)
    client = s3.client(settings)
    s3.ensure_bucket(settings)
    loaded = {}
    for entity, paths in files.items():
        prefix = f"{entity}/landing/"
        wanted = {prefix + p.name: p for p in paths}
        for key in s3.list_keys(settings, prefix):
            if key not in wanted:
                client.delete_object(Bucket=settings.bucket, Key=key)
        for key, path in wanted.items():
            client.upload_file(str(path), settings.bucket, key)
        loaded[entity] = len(paths)
    return loaded
