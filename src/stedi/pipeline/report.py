"""A self-contained HTML report of the last dbt build on the local stack.

Reads target/run_results.json and target/manifest.json (what dbt built and
tested, and the lineage), and queries Trino for row counts. One HTML file, no
external assets: inline CSS and SVG charts, no script.

    >>> from stedi.settings import Settings
    >>> from stedi.stack.trino import TrinoService
    >>> path = write_report(TrinoService(Settings.from_env()))   # target/report.html
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from stedi import dbt_runner
from stedi.errors import StackError
from stedi.lakehouse import ENTITIES, ZONES
from stedi.settings import project_dir

ZONE_COLOURS = {"landing": "#8c6d31", "trusted": "#31688e", "curated": "#35b779"}


@dataclass
class Report:
    generated_at: str
    build: dict  # command, generated_at, elapsed, counts by status
    tables: list[tuple[str, str, int]] = field(default_factory=list)  # zone, name, rows
    funnel: list[tuple[str, int]] = field(default_factory=list)
    exclusions: list[tuple[str, str, int]] = field(default_factory=list)  # entity, rule, rows
    held_out: list[tuple[str, int]] = field(default_factory=list)  # reason, customers
    tests: list[dict] = field(default_factory=list)
    models: list[dict] = field(default_factory=list)


# --------------------------------------------------------------------------- #
# Gathering
# --------------------------------------------------------------------------- #
def _load(target_path: Path, name: str) -> dict:
    path = target_path / name
    if not path.is_file():
        raise StackError(f"{path} not found: run `stedi build` (or `stedi dbt build`) first")
    return json.loads(path.read_text())


def _relations(manifest: dict) -> dict[str, tuple[str, str]]:
    """name -> (zone, relation_name) for the landing sources and the tables."""
    relations = {}
    for source in manifest["sources"].values():
        if source["source_name"] in ("landing", "privacy"):
            relations[source["name"]] = (source["source_name"], source["relation_name"])
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["package_name"] == "stedi":
            zone = node["fqn"][1] if len(node["fqn"]) > 2 else "other"
            relations[node["name"]] = (zone, node["relation_name"])
    return relations


def _rule_text(node: dict) -> str:
    """A test's rule in words: its description, or the singular test's first comment."""
    if node.get("description"):
        return node["description"].strip()
    for line in node.get("raw_code", "").splitlines():
        if line.startswith("--"):
            return line.lstrip("- ").strip()
    meta = node.get("test_metadata") or {}
    if meta:
        column = node.get("column_name") or ""
        return f"{meta.get('name')} {column}".strip()
    return node["name"]


class _Counter:
    def __init__(self, cursor, relations):
        self.cursor = cursor
        self.rel = {name: rel for name, (_, rel) in relations.items()}

    def __call__(self, sql: str) -> int:
        self.cursor.execute(sql.format(**self.rel))
        return int(self.cursor.fetchall()[0][0])


def _exclusions(count: _Counter) -> list[tuple[str, str, int]]:
    """Landing lines that did not become trusted rows, one line per rule or
    rejection reason, read from the audit models (`*_landing_outcome`), which
    account for every landing line. Each entity's lines add up to landing lines
    minus trusted rows."""
    rules = []
    for entity in ENTITIES:
        count.cursor.execute(
            f"select outcome, outcome_reason, count(*) "
            f"from {count.rel[entity + '_landing_outcome']} "
            f"where outcome <> 'trusted' group by 1, 2 order by 3 desc"
        )
        rules += [(entity, f"{outcome}: {reason}", int(n))
                  for outcome, reason, n in count.cursor.fetchall()]
    return rules


# Why a customer named in landing is kept out of every trusted table although
# (or whether) they consent: the deny-on-doubt rules and erasure on request.
HELD_OUT_REASONS = {
    "held_out_consent_tie": "consent tie (latest records disagree)",
    "held_out_unreadable_record": "unreadable record (may be the newest)",
    "forgotten": "forgotten on request (stedi forget)",
}


def _held_out(count: _Counter) -> list[tuple[str, int]]:
    """Customers held out, by reason: counts only, never an email."""
    count.cursor.execute(
        f"select consent_status, count(*) from {count.rel['customer_landing_current']} "
        "where consent_status like 'held_out%' group by 1")
    found = {status: int(n) for status, n in count.cursor.fetchall()}
    found["forgotten"] = count(
        "select count(distinct json_extract_scalar(raw_line, '$.customer_id')) "
        "from {forgotten_customers}")
    return [(HELD_OUT_REASONS[reason], found.get(reason, 0)) for reason in HELD_OUT_REASONS]


def gather(trino, target_path: Path | None = None) -> Report:
    target_path = target_path or dbt_runner.target_dir(project_dir())
    run_results = _load(target_path, "run_results.json")
    manifest = _load(target_path, "manifest.json")
    relations = _relations(manifest)
    cursor = trino.connect().cursor()
    count = _Counter(cursor, relations)

    tables = []
    for name, (zone, relation) in relations.items():
        if zone not in ZONES or name.endswith("_typed"):
            continue
        tables.append((zone, name, count(f"select count(*) from {relation}")))
    tables.sort(key=lambda t: (ZONES.index(t[0]), t[1]))

    funnel = [
        ("customers in landing (distinct email)",
         count("select count(distinct email_key) from {customer_landing_typed} "
               "where email_key <> ''")),
        ("consenting to research (customer_trusted)",
         count("select count(*) from {customer_trusted}")),
        ("with accelerometer data (customers_curated)",
         count("select count(*) from {customers_curated}")),
        ("in the ML training data (machine_learning_curated)",
         count("select count(distinct customer_id) from {machine_learning_curated}")),
    ]

    tests, models, statuses = [], [], {}
    for result in run_results["results"]:
        node = manifest["nodes"].get(result["unique_id"], {})
        statuses[result["status"]] = statuses.get(result["status"], 0) + 1
        row = {
            "id": result["unique_id"],
            "name": node.get("name", result["unique_id"]),
            "status": result["status"],
            "seconds": result.get("execution_time") or 0.0,
            "failures": result.get("failures"),
            "message": result.get("message") or "",
        }
        if result["unique_id"].startswith("test."):
            on = node.get("attached_node") or ", ".join(
                node.get("depends_on", {}).get("nodes", [])) or "?"
            row["rule"] = _rule_text(node)
            row["on"] = ", ".join(part.split(".")[-1] for part in on.split(", "))
            tests.append(row)
        elif result["unique_id"].startswith(("model.", "seed.")):
            models.append(row)
    return Report(
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        build={
            "command": run_results.get("args", {}).get("which", "?"),
            "generated_at": run_results["metadata"]["generated_at"],
            "elapsed": run_results.get("elapsed_time", 0.0),
            "statuses": statuses,
        },
        tables=tables, funnel=funnel, exclusions=_exclusions(count), held_out=_held_out(count),
        tests=tests, models=models,
    )


# --------------------------------------------------------------------------- #
# Rendering
# --------------------------------------------------------------------------- #
def _bar_chart(chart_id: str, title: str, rows: list[tuple[str, int, str]]) -> str:
    """Horizontal bars, one per (label, value, colour); linear scale."""
    width, label_w, bar_h, gap = 760, 300, 22, 8
    top = 30
    height = top + len(rows) * (bar_h + gap) + 10
    peak = max([v for _, v, _ in rows] + [1])
    parts = [
        (f'<svg id="{chart_id}" class="chart" role="img" aria-label="{html.escape(title)}" '
         f'xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
         f'viewBox="0 0 {width} {height}">'),
        f'<title>{html.escape(title)}</title>',
        f'<text x="0" y="18" class="chart-title">{html.escape(title)}</text>',
    ]
    for i, (label, value, colour) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = max(1, round((width - label_w - 90) * value / peak))
        parts += [
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{html.escape(label)}</text>',
            (f'<rect class="bar" data-label="{html.escape(label)}" data-value="{value}" '
             f'x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{colour}"/>'),
            f'<text class="value" x="{label_w + w + 6}" y="{y + 16}">{value:,}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def _table(headers: list[str], rows: list[list], cls: str = "") -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, int) and not isinstance(value, bool):
                cells.append(f'<td class="num">{value:,}</td>')
            elif isinstance(value, float):
                cells.append(f'<td class="num">{value:.2f}</td>')
            else:
                cells.append(f"<td>{html.escape(str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 960px; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status-pass, .status-success { color: #1a7f37; } .status-fail, .status-error { color: #cf222e; }
.status-warn { color: #9a6700; }
.chart text { font: 12px system-ui, sans-serif; fill: #222; }
.chart .chart-title { font-weight: bold; }
.summary span { display: inline-block; margin-right: 1.5em; }
"""


def render(report: Report) -> str:
    build = report.build
    status_line = " ".join(
        f'<span class="status-{html.escape(s)}">{html.escape(s)}: <b>{n}</b></span>'
        for s, n in sorted(build["statuses"].items())
    )
    tests_failed = [t for t in report.tests if t["status"] not in ("pass", "success")]
    table_chart = _bar_chart(
        "rows-chart", "Rows per table, by zone",
        [(f"{zone} / {name}", rows, ZONE_COLOURS[zone]) for zone, name, rows in report.tables],
    )
    funnel_chart = _bar_chart(
        "funnel-chart", "Consent funnel (customers)",
        [(label.split(" (")[0], value, "#440154") for label, value in report.funnel],
    )
    test_rows = [[t["status"], t["name"], t["on"], t["rule"], t["failures"] or 0,
                  t["seconds"]] for t in report.tests]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>STEDI lakehouse build report</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>STEDI lakehouse build report</h1>",
        (f'<p class="summary"><span>dbt <b>{html.escape(build["command"])}</b> at '
         f'{html.escape(build["generated_at"])}</span><span>took {build["elapsed"]:.1f}s</span>'
         f'{status_line}</p>'),
        (f"<p>Report written {html.escape(report.generated_at)}; row counts queried "
         "from the local Trino at that time.</p>"),
        "" if build["command"] == "build" else
        f'<p class="status-warn"><b>The last dbt command was `{html.escape(build["command"])}`, '
        "not `build`: its results are shown. Run `stedi dbt build` for a full report.</b></p>",
        '<h2 id="rows">Rows per table per zone</h2>',
        table_chart,
        _table(["zone", "table", "rows"], [list(t) for t in report.tables], "rows"),
        '<h2 id="funnel">Consent funnel</h2>',
        funnel_chart,
        _table(["step", "customers"], [list(f) for f in report.funnel], "funnel"),
        '<h2 id="held-out">Customers held out, by reason</h2>',
        _table(["reason", "customers"], [list(h) for h in report.held_out], "held-out"),
        '<h2 id="exclusions">Rows excluded by each rule (landing to trusted)</h2>',
        _table(["entity", "rule", "rows excluded"], [list(e) for e in report.exclusions],
               "exclusions"),
        (f'<h2 id="tests">Test results ({len(report.tests) - len(tests_failed)} of '
         f"{len(report.tests)} passed)</h2>"),
        _table(["status", "test", "on", "rule", "failing rows", "seconds"], test_rows, "tests"),
        '<h2 id="models">Models and seeds built</h2>',
        _table(["status", "name", "message", "seconds"],
               [[m["status"], m["name"], m["message"], m["seconds"]] for m in report.models],
               "models"),
        "</body></html>",
    ]
    return "\n".join(parts)


def save_json(report: Report, path: Path) -> Path:
    """The gathered figures as JSON: `load_json` + `render` rebuild the page with no
    stack (the offline tests render one saved from a real build)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(report), indent=1) + "\n", encoding="utf-8")
    return path


def load_json(path: Path) -> Report:
    data = json.loads(path.read_text(encoding="utf-8"))
    for key in ("tables", "funnel", "exclusions"):
        data[key] = [tuple(row) for row in data[key]]
    return Report(**data)


def write_report(trino, output: Path | None = None, target_path: Path | None = None,
                 save_to: Path | None = None) -> Path:
    output = output or (target_path or dbt_runner.target_dir(project_dir())) / "report.html"
    output.parent.mkdir(parents=True, exist_ok=True)
    gathered = gather(trino, target_path)
    if save_to is not None:
        save_json(gathered, save_to)
    output.write_text(render(gathered), encoding="utf-8")
    return output
