"""`stedi build` and what it yields: the production `dbt build`, skipped when
nothing changed (production.py), the whole local flow from stack up to row
counts (local.py), row counts, bytes scanned and the HTML report."""
