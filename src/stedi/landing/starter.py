"""Fetch the public STEDI starter data into the default landing folder.

The data is the `project/starter` folders of Udacity's
nd027-Data-Engineering-Data-Lakes-AWS-Exercises repository, downloaded as a zip.

    >>> fetch_starter(Path("data/stedi"))          # download + extract (empty folder only)
    >>> ensure_landing_data(Path("data/stedi"))     # fetch only when it has no landing file
    >>> extract_starter(Path("repo.zip"), Path("data/stedi"))   # extract only
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path

from stedi.errors import StackError
from stedi.lakehouse import ENTITIES
from stedi.landing.load import has_landing_files

STARTER_URL = (
    "https://github.com/udacity/nd027-Data-Engineering-Data-Lakes-AWS-Exercises"
    "/archive/refs/heads/main.zip"
)
_MEMBER = re.compile(
    r"(?:^|/)project/starter/(" + "|".join(ENTITIES) + r")/landing/([^/]+\.json)$"
)


def extract_starter(archive: Path, dest: Path) -> dict[str, int]:
    """Copy every project/starter/<entity>/landing/*.json member into dest."""
    counts = dict.fromkeys(ENTITIES, 0)
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        raise StackError(f"{archive} is not a zip archive: {exc}") from exc
    with zf:
        for member in zf.namelist():
            match = _MEMBER.search(member)
            if not match:
                continue
            entity, name = match.groups()
            target = dest / entity / "landing" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(member) as src, target.open("wb") as out:
                shutil.copyfileobj(src, out)
            counts[entity] += 1
    missing = [e for e, n in counts.items() if n == 0]
    if missing:
        raise StackError(
            f"{archive} has no project/starter/<entity>/landing/*.json for: "
            + ", ".join(missing)
        )
    return counts


def fetch_starter(dest: Path, url: str = STARTER_URL) -> dict[str, int]:
    """Download the starter data into `dest`, which must hold no landing file:
    it never mixes into a folder of one's own data."""
    if has_landing_files(dest):
        raise StackError(
            f"{dest} already holds landing files: the starter data goes only into a "
            "folder with none (choose an empty one with --data-dir or STEDI_DATA_DIR)."
        )
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "starter.zip"
        try:
            with urllib.request.urlopen(url, timeout=60) as resp, archive.open("wb") as out:
                shutil.copyfileobj(resp, out)
        except OSError as exc:
            raise StackError(
                f"Could not download the starter data from {url}: {exc}. Put the "
                f"landing folders under {dest} yourself, or set STEDI_DATA_DIR."
            ) from exc
        return extract_starter(archive, dest)


def ensure_landing_data(folder: Path, url: str = STARTER_URL) -> bool:
    """Fetch the starter data when the folder holds no landing file of any kind
    the loader accepts; returns whether it fetched."""
    if has_landing_files(folder):
        return False
    print(f"[stedi] {folder} holds no landing file: fetching the public starter data",
          file=sys.stderr)
    fetch_starter(folder, url)
    return True
