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

# (zone, catalog, relation) of the row-count table; the schema is <prefix>_<zone>.
_RELATIONS = [
    ("landing", "hive", "customer_landing"),
    ("landing", "hive", "accelerometer_landing"),
    ("landing", "hive", "step_trainer_landing"),
    ("trusted", "iceberg", "customer_trusted"),
    ("trusted", "iceberg", "accelerometer_trusted"),
    ("trusted", "iceberg", "step_trainer_trusted"),
    ("curated", "iceberg", "customers_curated"),
    ("curated", "iceberg", "machine_learning_curated"),
]


def relations(schema: str = "stedi") -> list[tuple[str, str, str, str]]:
    """(zone, catalog, schema, relation) for a dbt schema prefix (profile `schema`)."""
    return [(zone, catalog, f"{schema}_{zone}", name) for zone, catalog, name in _RELATIONS]


# The default lakehouse (STEDI_SCHEMA unset): stedi_landing, stedi_trusted, ...
RELATIONS = relations("stedi")


def ensure_profile() -> Path:
    """profiles.yml beside dbt_project.yml, copied from the committed example."""
    profile = REPO_ROOT / "profiles.yml"
    if not profile.exists():
        shutil.copyfile(REPO_ROOT / "profiles.yml.example", profile)
    return profile


def dbt_executable() -> str:
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


def _check_profile_schema(profile: Path, schema: str) -> None:
    if schema != "stedi" and "STEDI_SCHEMA" not in profile.read_text():
        raise StackError(
            f"{profile} predates STEDI_SCHEMA, so dbt would build into `stedi_*` "
            f"instead of `{schema}_*`. Copy profiles.yml.example over it again "
            "(or set `schema: \"{{ env_var('STEDI_SCHEMA', 'stedi') }}\"` in it)."
        )


def run_dbt(args: list[str], settings: Settings | None = None, *, log=None) -> None:
    """`dbt ARGS` in the project, building into settings.schema's zones.

    `log`: a file object for dbt's output (default: this process's stdout).
    """
    settings = settings or Settings.from_env()
    _check_profile_schema(ensure_profile(), settings.schema)
    env = dict(os.environ, DBT_PROFILES_DIR=str(REPO_ROOT))
    env.setdefault("STEDI_TRINO_PORT", str(settings.trino_port))
    env.setdefault("STEDI_BUCKET", settings.bucket)
    env["STEDI_SCHEMA"] = settings.schema
    proc = subprocess.run([dbt_executable(), *args], check=False, cwd=REPO_ROOT, env=env,
                          stdout=log, stderr=subprocess.STDOUT if log else None)
    if proc.returncode != 0:
        raise StackError(
            f"`dbt {' '.join(args)}` failed (exit {proc.returncode}); "
            f"see the output {'in ' + log.name if log else 'above'} and "
            f"{REPO_ROOT / 'logs' / 'dbt.log'}"
        )


def row_counts(trino: TrinoService, prefix: str | None = None) -> list[tuple[str, str, int]]:
    """Rows per landing table and model of the lakehouse with schema prefix `prefix`."""
    cur = trino.connect().cursor()
    counts = []
    for zone, catalog, schema, name in relations(prefix or trino.settings.schema):
        cur.execute(f'select count(*) from "{catalog}"."{schema}"."{name}"')
        counts.append((zone, name, cur.fetchall()[0][0]))
    return counts


def format_counts(counts: list[tuple[str, str, int]]) -> str:
    lines = [f"{'zone':<9} {'table':<26} {'rows':>10}", "-" * 47]
    lines += [f"{zone:<9} {name:<26} {rows:>10,}" for zone, name, rows in counts]
    return "\n".join(lines)
