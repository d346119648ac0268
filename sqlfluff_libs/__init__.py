"""Jinja context for SQLFluff's offline jinja templater (no warehouse).

dbt provides these at run time; the linter gets fixed stand-ins so that
models render without a connection.
"""

import json

# No queries at lint time: macros that call run_query() take their offline path.
execute = False


class flags:  # noqa: N801 - stands in for dbt's `flags` object
    """dbt's run flags: linting introspects nothing (models lint as full refresh)."""

    INTROSPECT = False
    WHICH = "lint"


def env_var(name, default=None):
    """dbt's env_var: linting reads no environment (no landing delta: a full build)."""
    return default


def fromjson(text, default=None):
    return json.loads(text)
