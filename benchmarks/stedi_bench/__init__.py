"""The STEDI benchmark: dbt on Trino vs PySpark vs DuckDB (see bench.py)."""
