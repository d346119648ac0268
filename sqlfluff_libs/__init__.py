"""Jinja context for SQLFluff's offline jinja templater (no warehouse).

dbt provides these at run time; the linter gets fixed stand-ins so that
models render without a connection.
"""

import datetime

# dbt's run start time, used by the run_loaded_at macro.
run_started_at = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
# No queries at lint time: macros that call run_query() take their offline path.
execute = False


class flags:  # noqa: N801 - stands in for dbt's `flags` object
    """dbt's run flags: linting introspects nothing (models lint as full refresh)."""

    INTROSPECT = False
    WHICH = "lint"
