"""Fetch the public STEDI starter data into the default landing folder.

The data is the `project/starter` folders of Udacity's
nd027-Data-Engineering-Data-Lakes-AWS-Exercises repository, downloaded as a zip.

    >>> fetch_starter(Path("data/stedi"))          # download + extract
    >>> extract_starter(Path("repo.zip"), Path("data/stedi"))   # extract only
"""

from __future__ import annotations

import re
import shutil
import tempfile
import urllib.request
import zipfile
from pathlib import Path

from stedi.errors import StackError
from stedi.lakehouse import ENTITIES

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
