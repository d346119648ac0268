"""What a run read: bytes scanned per model and in total, priced as Athena bills.

On the local stack the figures are Trino's own (`physicalInputDataSize` of each
query, from its REST API /v1/query); dbt marks every query it sends with a
comment naming its node (`"node_id": "model.stedi.customer_trusted"`), which is
how a query is put to its model or test. On Athena they are dbt-athena's
`data_scanned_in_bytes` in `target/run_results.json` (`stedi scanned
target/run_results.json`).

    >>> print(summary(from_trino(settings, since=start)))
    >>> print(summary(from_run_results(Path("target/run_results.json"))))

Price: Athena charges USD 5 per TB scanned, rounded up to the megabyte with a
10 MB minimum per query (https://aws.amazon.com/athena/pricing/, "SQL queries";
the rate is per Region: STEDI_ATHENA_USD_PER_TB sets yours).
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from stedi.settings import Settings

USD_PER_TB = float(os.environ.get("STEDI_ATHENA_USD_PER_TB", "5"))
MIN_BILLED = 10 * 1024 * 1024          # per query
_UNITS = {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "PB": 1e15}
_NODE = re.compile(r'"node_id":\s*"(?P<kind>[a-z_]+)\.[\w]+\.(?P<name>[\w.]+)"')
_CONTRACT_INSERT = re.compile(r'\s*insert into "\w+"\."\w+"\."(?P<name>\w+)"\s*\(\s*select ')


def size_bytes(size: str) -> int:
    """Trino's DataSize text ("12.5MB") in bytes."""
    match = re.fullmatch(r"([\d.]+)\s*([kMGTP]?B)", size)
    return int(float(match.group(1)) * _UNITS[match.group(2)]) if match else 0


def node_of(query_text: str) -> str:
    """The dbt node a query was sent for ("model customer_trusted", "test ..."),
    or "other" (hooks of the whole run, and queries dbt did not send). dbt-trino
    sends a contracted model's `insert into` without the comment: it is put to
    the model it writes."""
    match = _NODE.search(query_text)
    if match:
        return f"{match.group('kind')} {match.group('name')}"
    insert = _CONTRACT_INSERT.match(query_text)
    return f"model {insert.group('name')}" if insert else "other"


def trino_queries(settings: Settings, since: float, schema: str | None = None) -> list[dict]:
    """The queries Trino ran since `since` (epoch s) on the lakehouse whose
    schema prefix is `schema`, as its REST API /v1/query gives them (the bench
    reads their memory and CPU too)."""
    schema = schema or settings.dbt_schema
    req = urllib.request.Request(f"{settings.trino_url}/v1/query",
                                 headers={"X-Trino-User": "stedi"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        queries = json.load(resp)
    return [q for q in queries
            if datetime.fromisoformat(q["queryStats"]["createTime"]).timestamp() >= since
            and schema in q.get("query", "")]


def read_per_node(queries: list[dict]) -> dict:
    """{node: [bytes read, queries]} of Trino's queries (trino_queries)."""
    read: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for q in queries:
        entry = read[node_of(q["query"])]
        entry[0] += size_bytes(q["queryStats"].get("physicalInputDataSize", "0B"))
        entry[1] += 1
    return dict(read)


def from_trino(settings: Settings, since: float, schema: str | None = None) -> dict:
    """{node: [bytes read, queries]} of the queries Trino ran since `since`
    (epoch s) on the lakehouse whose schema prefix is `schema`."""
    return read_per_node(trino_queries(settings, since, schema))


def from_run_results(path: Path) -> dict:
    """{node: [bytes scanned, 1]} from dbt-athena's run_results.json."""
    results = json.loads(Path(path).read_text())["results"]
    read = {}
    for r in results:
        scanned = (r.get("adapter_response") or {}).get("data_scanned_in_bytes")
        if scanned is not None:
            kind, _, name = r["unique_id"].split(".", 2)
            read[f"{kind} {name}"] = [int(scanned), 1]
    return read


def cost_usd(per_node: dict) -> float:
    """What the run's scans cost on Athena: per query rounded up to the MB,
    with the 10 MB minimum (an approximation where a node sent several)."""
    billed = 0
    for scanned, queries in per_node.values():
        billed += max(-(-scanned // 2**20) * 2**20, MIN_BILLED * queries)
    return billed / 1e12 * USD_PER_TB


def summary(per_node: dict) -> str:
    """A table of bytes read per model (tests and hooks summed), total and price."""
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for node, (scanned, queries) in per_node.items():
        key = node if node.startswith(("model ", "seed ")) else node.split(" ")[0] + "s"
        rows[key][0] += scanned
        rows[key][1] += queries
    total = sum(v[0] for v in rows.values())
    width = max([len(k) for k in rows] + [12])
    lines = [f"{'read by':<{width}} {'MB':>10} {'share':>6}", "-" * (width + 18)]
    for node, (scanned, _) in sorted(rows.items(), key=lambda kv: -kv[1][0]):
        lines.append(f"{node:<{width}} {scanned / 1e6:>10,.1f} "
                     f"{scanned / total if total else 0:>6.0%}")
    lines.append(f"{'total':<{width}} {total / 1e6:>10,.1f}")
    lines.append(f"on Athena: about USD {cost_usd(per_node):.4f} "
                 f"(USD {USD_PER_TB:g} per TB scanned, 10 MB minimum per query)")
    return "\n".join(lines)
