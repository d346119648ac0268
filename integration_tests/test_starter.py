"""The starter-data fetch, tested on a zip built here from the shared data
(the real download's host cannot be reached from this machine)."""

from __future__ import annotations

import gzip
import zipfile

import pytest

from stedi.errors import StackError
from stedi.landing import load, starter

ROOT = "nd027-Data-Engineering-Data-Lakes-AWS-Exercises-main"


def _starter_zip(reference_data, path):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{ROOT}/README.md", "exercises")
        zf.writestr(f"{ROOT}/project/starter/README.md", "starter")
        for file in reference_data.glob("*/landing/*.json"):
            entity = file.parent.parent.name
            zf.write(file, f"{ROOT}/project/starter/{entity}/landing/{file.name}")
    return path


def test_extract_starter_lays_out_the_landing_folders(reference_data, tmp_path):
    archive = _starter_zip(reference_data, tmp_path / "starter.zip")
    counts = starter.extract_starter(archive, tmp_path / "data")
    assert counts == {"customer": 1, "accelerometer": 9, "step_trainer": 3}
    for file in reference_data.glob("*/landing/*.json"):
        copy = tmp_path / "data" / file.parent.parent.name / "landing" / file.name
        assert copy.read_bytes() == file.read_bytes()


def test_extract_starter_rejects_an_archive_without_landing_data(tmp_path):
    archive = tmp_path / "other.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"{ROOT}/README.md", "nothing here")
    with pytest.raises(StackError, match="customer, accelerometer, step_trainer"):
        starter.extract_starter(archive, tmp_path / "data")


def test_fetch_starter_reports_an_unreachable_url(tmp_path):
    with pytest.raises(StackError, match="Could not download the starter data"):
        starter.fetch_starter(tmp_path, url="http://127.0.0.1:9/starter.zip")


UNREACHABLE = "http://127.0.0.1:9/starter.zip"


def _gzip_only_folder(reference_data, folder):
    """The reference data as the loader also accepts it: every file gzip-compressed."""
    for file in reference_data.glob("*/landing/*.json"):
        target = folder / file.parent.parent.name / "landing" / f"{file.name}.gz"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(gzip.compress(file.read_bytes()))
    return folder


def _contents(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_gzip_only_landing_folder_is_not_empty(reference_data, tmp_path):
    folder = _gzip_only_folder(reference_data, tmp_path / "own")
    before = _contents(folder)
    assert load.has_landing_files(folder)
    assert starter.ensure_landing_data(folder, url=UNREACHABLE) is False  # no download tried
    assert _contents(folder) == before


def test_the_starter_data_never_goes_into_a_folder_with_landing_files(reference_data, tmp_path):
    folder = _gzip_only_folder(reference_data, tmp_path / "own")
    before = _contents(folder)
    with pytest.raises(StackError, match="already holds landing files"):
        starter.fetch_starter(folder, url=UNREACHABLE)
    assert _contents(folder) == before


def test_a_folder_without_landing_files_gets_the_starter_data(tmp_path):
    folder = tmp_path / "empty"
    (folder / "customer" / "landing").mkdir(parents=True)
    (folder / "customer" / "landing" / "notes.txt").write_text("not a landing file")
    # the download is tried (and fails here: no route to the starter's host)
    with pytest.raises(StackError, match="Could not download the starter data"):
        starter.ensure_landing_data(folder, url=UNREACHABLE)
