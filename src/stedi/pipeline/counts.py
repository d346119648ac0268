"""Row counts per zone of a lakehouse on the local stack: what `stedi build`
and `stedi counts` print.

    >>> print(format_counts(row_counts(TrinoService(Settings.from_env()))))
"""

from __future__ import annotations

from stedi import lakehouse
from stedi.stack.trino import TrinoService


def row_counts(trino: TrinoService, prefix: str | None = None) -> list[tuple[str, str, int]]:
    """(zone, relation, rows) of the counted relations (lakehouse.COUNTED) of the
    lakehouse with schema prefix `prefix`, in lineage order."""
    cur = trino.connect().cursor()
    counts = []
    for rel in lakehouse.COUNTED:
        cur.execute(f"select count(*) from {rel.qualified(prefix or trino.settings.dbt_schema)}")
        counts.append((rel.zone, rel.name, cur.fetchall()[0][0]))
    return counts


def format_counts(counts: list[tuple[str, str, int]]) -> str:
    lines = [f"{'zone':<9} {'table':<26} {'rows':>10}", "-" * 47]
    lines += [f"{zone:<9} {name:<26} {rows:>10,}" for zone, name, rows in counts]
    return "\n".join(lines)
