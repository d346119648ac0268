"""Run dbt in this project against the local stack, and count what it built.

    >>> run_dbt(["build"])          # raises StackError when dbt fails
    >>> print(format_counts(row_counts(TrinoService(Settings.from_env()))))
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from stedi.errors import StackError
from stedi.settings import REPO_ROOT, Settings
from stedi.trino import TrinoService

# (zone, catalog, schema, relation) for the row-count table.
RELATIONS = [
    ("landing", "hive", "stedi_landing", "customer_landing"),
    ("landing", "hive", "stedi_landing", "accelerometer_landing"),
    ("landing", "hive", "stedi_landing", "step_trainer_landing"),
    ("trusted", "iceberg", "stedi_trusted", "customer_trusted"),
    ("trusted", "iceberg", "stedi_trusted", "accelerometer_trusted"),
    ("trusted", "iceberg", "stedi_trusted", "step_trainer_trusted"),
    ("curated", "iceberg", "stedi_curated", "customers_curated"),
    ("curated", "iceberg", "stedi_curated", "machine_learning_curated"),
]


def ensure_profile() -> Path:
    """profiles.yml beside dbt_project.yml, copied from the committed example."""
    profile = REPO_ROOT / "profiles.yml"
    if not profile.exists():
        shutil.copyfile(REPO_ROOT / "profiles.yml.example", profile)
    return profile


def dbt_executable() -> str:
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


def run_dbt(args: list[str], settings: Settings | None = None) -> None:
    settings = settings or Settings.from_env()
    ensure_profile()
    env = dict(os.environ, DBT_PROFILES_DIR=str(REPO_ROOT))
    env.setdefault("STEDI_TRINO_PORT", str(settings.trino_port))
    env.setdefault("STEDI_BUCKET", settings.bucket)
    proc = subprocess.run([dbt_executable(), *args], cwd=REPO_ROOT, env=env)
    if proc.returncode != 0:
        raise StackError(
            f"`dbt {' '.join(args)}` failed (exit {proc.returncode}); "
            f"see the output above and {REPO_ROOT / 'logs' / 'dbt.log'}"
        )


def row_counts(trino: TrinoService) -> list[tuple[str, str, int]]:
    cur = trino.connect().cursor()
    counts = []
    for zone, catalog, schema, name in RELATIONS:
        cur.execute(f'select count(*) from "{catalog}"."{schema}"."{name}"')
        counts.append((zone, name, cur.fetchall()[0][0]))
    return counts


def format_counts(counts: list[tuple[str, str, int]]) -> str:
    lines = [f"{'zone':<9} {'table':<26} {'rows':>10}", "-" * 47]
    lines += [f"{zone:<9} {name:<26} {rows:>10,}" for zone, name, rows in counts]
    return "\n".join(lines)
