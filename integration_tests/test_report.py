"""`stedi report`: the HTML report of the last build, rendered by a real
browser (headless Chromium), shows the charts and the real numbers."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import REFERENCE_COUNTS

from stedi import lakehouse
from stedi.pipeline import report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# A report gathered from a real build of the reference data (Trino's counts and
# the build's run_results.json + manifest.json), saved as JSON: the offline tier
# renders it with no stack. Refresh it with `stedi report --save-json PATH`.
SAVED_REPORT = Path(__file__).parent / "fixtures" / "report.json"


class _Dom(HTMLParser):
    """Collects the bars of each chart and every table cell, as rendered."""

    def __init__(self):
        super().__init__()
        self.svg, self.bars, self.cells, self.urls = None, {}, [], []
        self._in_cell = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg":
            self.svg = attrs.get("id")
            self.bars[self.svg] = {}
        elif tag == "rect" and "bar" in attrs.get("class", ""):
            self.bars[self.svg][attrs["data-label"]] = int(attrs["data-value"])
        elif tag in ("td", "th"):
            self._in_cell = True
            self.cells.append("")
        for name in ("src", "href"):
            if attrs.get(name):
                self.urls.append(attrs[name])
        if tag == "link" or (tag == "script" and attrs.get("src")):
            self.urls.append(f"<{tag}>")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data):
        if self._in_cell:
            self.cells[-1] += data.strip()


def _chromium(*args, tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (CI installs it: apt-get install -y chromium)")
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--no-first-run",
         f"--user-data-dir={tmp_path / 'chromium-profile'}", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.fixture(scope="module")
def rendered(built, build_artifacts, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("report")
    path = report.write_report(built.trino, output=tmp_path / "report.html",
                               target_path=build_artifacts)
    dom = _chromium("--dump-dom", path.as_uri(), tmp_path=tmp_path)
    parsed = _Dom()
    parsed.feed(dom)
    return path, dom, parsed, tmp_path


def test_report_charts_show_the_row_counts(rendered):
    _, dom, parsed, _ = rendered
    assert "STEDI lakehouse build report" in dom
    assert "dbt <b>build</b>" in dom and "The last dbt command" not in dom
    rows = parsed.bars["rows-chart"]
    for table, count in REFERENCE_COUNTS.items():
        zone = table.rsplit("_", 1)[1]
        assert rows[f"{zone} / {table}"] == count, table
        assert f"{count:,}" in parsed.cells
    funnel = parsed.bars["funnel-chart"]
    assert list(funnel.values()) == [956, 482, 482, 482]


def test_report_exclusions_add_up_to_landing_minus_trusted(rendered):
    cells = rendered[2].cells
    start = cells.index("rows excluded") + 1
    end = cells.index("status", start)  # the next table's header
    excluded: dict[str, int] = {}
    for entity, _rule, rows in zip(*[iter(cells[start:end])] * 3, strict=True):
        excluded[entity] = excluded.get(entity, 0) + int(rows.replace(",", ""))
    for entity in lakehouse.ENTITIES:
        assert excluded[entity] == (REFERENCE_COUNTS[f"{entity}_landing"]
                                    - REFERENCE_COUNTS[f"{entity}_trusted"]), entity


def test_report_lists_every_test_result_of_the_build(rendered, build_artifacts):
    _, dom, parsed, _ = rendered
    results = json.loads((build_artifacts / "run_results.json").read_text())["results"]
    tests = [r for r in results if r["unique_id"].startswith("test.")]
    passed = sum(r["status"] == "pass" for r in tests)
    assert f"Test results ({passed} of {len(tests)} passed)" in dom
    names = [r["unique_id"].split(".")[2] for r in tests]
    assert all(name in parsed.cells for name in names)
    assert "Assert that" in dom  # singular tests show their rule in words


def test_report_is_self_contained_and_renders(rendered):
    path, _, parsed, tmp_path = rendered
    assert parsed.urls == [], parsed.urls  # no external asset, no link, no script
    assert not re.search(r"""(src|href)\s*=|url\(""", path.read_text())
    shot = tmp_path / "report.png"
    _chromium("--window-size=1000,1400", f"--screenshot={shot}", path.as_uri(),
              tmp_path=tmp_path)
    assert shot.stat().st_size > 20_000  # a page with charts, not a blank one


def test_a_saved_report_renders_offline():
    """Offline tier: rendering alone, from a saved report: every figure lands in
    its chart and tables, every test result is listed, and nothing is fetched."""
    saved = report.load_json(SAVED_REPORT)
    parsed = _Dom()
    parsed.feed(report.render(saved))
    assert parsed.bars["rows-chart"] == {f"{zone} / {name}": rows
                                         for zone, name, rows in saved.tables}
    assert list(parsed.bars["funnel-chart"].values()) == [n for _, n in saved.funnel]
    for _, _, rows in saved.tables + saved.exclusions:
        assert f"{rows:,}" in parsed.cells
    assert all(t["name"] in parsed.cells for t in saved.tests)
    assert {name for _, name, _ in saved.tables} >= set(REFERENCE_COUNTS)
    assert parsed.urls == []
