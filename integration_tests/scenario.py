"""A landing dataset written by a test, built in its own bucket and schemas.

Each Scenario has a bucket `stedi-t-<name>` and a dbt schema `t_<name>`, so
its landing tables and models never touch the reference build's. Lines are
dicts (written as JSON) or raw strings (written as they are, e.g. malformed).

    sc = Scenario(stack, "withdrawal", tmp_path)
    sc.write("customer", "c1.json", [customer("a@x.com", consent=1000)])
    sc.load(); sc.build()
    sc.count("customer_trusted")
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

from stedi import dbt_runner, lakehouse
from stedi.landing import load
from stedi.pipeline import production
from stedi.stack.native import Stack

CUSTOMER_KEYS = ("customerName", "email", "phone", "birthDay", "serialNumber",
                 "registrationDate", "lastUpdateDate", "shareWithResearchAsOfDate",
                 "shareWithPublicAsOfDate", "shareWithFriendsAsOfDate")


def customer(email, serial="serial-1", updated=1_000, consent=None, name="Test Customer"):
    return {
        "customerName": name, "email": email, "phone": "8015551212",
        "birthDay": "1990-01-01", "serialNumber": serial, "registrationDate": 1_000,
        "lastUpdateDate": updated, "shareWithResearchAsOfDate": consent,
        "shareWithPublicAsOfDate": None, "shareWithFriendsAsOfDate": None,
    }


def reading(email, ts, x=0.5, y=-0.5, z=1.0):
    return {"user": email, "timestamp": ts, "x": x, "y": y, "z": z}


def step(serial, ts, distance=200):
    return {"sensorReadingTime": ts, "serialNumber": serial, "distanceFromObject": distance}


def _vars(variables: dict | None) -> list[str]:
    return ["--vars", json.dumps(variables)] if variables else []


class Scenario:
    def __init__(self, stack: Stack, name: str, tmp_path: Path):
        self.name = name
        # No COMMENT statements (each is an Iceberg commit: ~70 % of a small scenario's
        # build; test_lakehouse checks them on the reference build), and no row-count
        # expectations (the default: its data is its own). Every dbt command of the
        # scenario, stedi's own included, runs with the same variables, so dbt parses
        # the project in full only when the scenario starts.
        self.settings = replace(stack.settings, bucket=f"stedi-t-{name.replace('_', '-')}",
                                dbt_schema=f"t_{name}", persist_docs=False)
        self.trino = stack.trino
        self.folder = tmp_path / name
        self.artifacts = self.folder / "target"   # keep_artifacts() copies a build's here
        for entity in lakehouse.ENTITIES:
            (self.folder / entity / "landing").mkdir(parents=True, exist_ok=True)
        # no daily build of an earlier session on record (the state dir outlives it)
        production.record_path(self.settings).unlink(missing_ok=True)
        shutil.rmtree(production.last_good_state(self.settings), ignore_errors=True)

    def write(self, entity: str, filename: str, lines: list) -> Path:
        path = self.folder / entity / "landing" / filename
        text = "".join((ln if isinstance(ln, str) else json.dumps(ln)) + "\n" for ln in lines)
        path.write_text(text)
        return path

    def load(self) -> None:
        load.load_landing(self.settings, self.folder)

    def dbt(self, *args: str, variables: dict | None = None) -> str:
        return dbt_runner.run_dbt([*args, *_vars(variables)], self.settings, quiet=True)

    def build(self, *args: str, variables: dict | None = None) -> str:
        """`dbt build` without the unit tests: their inputs are fixed, so they
        prove the code once per session (conftest's `built` runs them), not
        once per scenario (a quarter of a small build's time). dbt's threads:
        conftest's STEDI_DBT_THREADS (4)."""
        return self.dbt("build", "--exclude-resource-type", "unit_test", *args,
                        variables=variables)

    def keep_artifacts(self) -> Path:
        """The run_results.json and manifest.json of the build just run (what the
        report reads), copied from target/ (later dbt commands overwrite it) to
        self.artifacts, so a test can report on this lakehouse without a build."""
        self.artifacts.mkdir(exist_ok=True)
        for name in ("run_results.json", "manifest.json"):
            shutil.copyfile(dbt_runner.target_dir(self.settings.project_dir) / name, self.artifacts / name)
        return self.artifacts

    def daily(self, variables: dict | None = None) -> production.Build:
        """`stedi build` (production.build): the first one builds in full, the next
        ones read what arrived since and rewrite only what it changes."""
        return production.build(self.settings, _vars(variables))

    def outputs(self) -> dict[str, list]:
        """Every row of every trusted and curated table, every column, sorted."""
        return {name: sorted((tuple(row) for row in self.query(f"select * from {{{name}}}")),
                             key=repr)
                for name in lakehouse.names(lakehouse.OUTPUTS)}

    def assert_equals_full_refresh(self, variables: dict | None = None) -> dict[str, list]:
        """The trusted and curated tables as they are now (after daily builds) equal
        what a full refresh builds from the same landing files. Returns them."""
        daily = self.outputs()
        self.build("--full-refresh", variables=variables)
        full = self.outputs()
        differ = {name: {"daily only": sorted(set(daily[name]) - set(full[name]), key=repr),
                         "full refresh only": sorted(set(full[name]) - set(daily[name]), key=repr)}
                  for name in full if daily[name] != full[name]}
        assert not differ, f"daily builds differ from a full refresh: {differ}"
        return daily

    def table(self, name: str) -> str:
        return lakehouse.qualified(name, self.settings.dbt_schema)

    def query(self, sql: str) -> list[list]:
        """Run SQL where {name} stands for the scenario's relation `name`."""
        return self.trino.query(sql.format_map(_Tables(self)))

    def count(self, name: str, where: str = "true") -> int:
        return self.query(f"select count(*) from {{{name}}} where {where}")[0][0]

    def drop(self) -> None:
        drop_lakehouse_schemas(self.trino, self.settings.dbt_schema)


def drop_lakehouse_schemas(trino, prefix: str) -> None:
    """Drop a test lakehouse's <prefix>_<zone> schemas: every table and view in
    them, then the schema (metadata only: the landing tables are external). Both
    catalogs are visited for every zone (landing has hive tables and iceberg ones)."""
    for catalog in lakehouse.CATALOGS:
        for zone in lakehouse.SCHEMAS:
            schema = f"{prefix}_{zone}"
            objects = trino.query(f"select table_name, table_type from {catalog}"
                                  f".information_schema.tables where table_schema = '{schema}'")
            for table, kind in objects:
                trino.query(f'drop {"view" if kind == "VIEW" else "table"} '
                            f'{catalog}.{schema}."{table}"')
            trino.query(f"drop schema if exists {catalog}.{schema}")


class _Tables(dict):
    def __init__(self, scenario: Scenario):
        super().__init__()
        self.scenario = scenario

    def __missing__(self, key: str) -> str:
        return self.scenario.table(key)
