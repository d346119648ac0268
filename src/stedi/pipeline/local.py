"""`stedi build`: the whole local flow, from a landing folder to row counts.

    >>> print(build_local(Settings.from_env(), expect="reference"))

Starter data when the landing folder holds no landing file, the local stack up,
the folder loaded, `stedi build` (production.py: skipped when nothing
changed), then the row counts per zone.
"""

from __future__ import annotations

import sys
import time

from stedi.landing import load, starter
from stedi.pipeline import counts, production, scanned
from stedi.settings import Settings
from stedi.stack import prereqs
from stedi.stack.native import Stack


def build_local(settings: Settings, *, expect: str | None = None, full_refresh: bool = False,
                always: bool = False, unit_tests: bool = False, start: bool = True) -> str:
    """Run the local flow; returns the row-count table. `expect`: assert the
    exact counts of a dataset named in seeds/expected_row_counts.csv; `start`:
    False to use a stack already running on the configured ports (e.g.
    `docker compose up`) instead of starting the native one."""
    if start:
        prereqs.ensure(settings)  # a machine that cannot run the stack stops here
    starter.ensure_landing_data(settings.data_dir)
    stack = Stack(settings)
    if start:
        stack.up()
    load.load_landing(settings, settings.data_dir)
    start = time.monotonic()
    dbt_args = ["--vars", f"{{expectations_dataset: {expect}}}"] if expect else []
    done = production.build(settings, dbt_args, full_refresh=full_refresh, always=always,
                       unit_tests=unit_tests)
    verb = f"dbt build ({done.reason}) took" if done.ran else f"dbt build skipped ({done.reason}) in"
    print(f"\n[stedi] {verb} {time.monotonic() - start:.1f}s\n", file=sys.stderr)
    if done.read:
        print(scanned.summary(done.read) + "\n", file=sys.stderr)
    return counts.format_counts(counts.row_counts(stack.trino))
