"""STEDI lakehouse tooling: a local Trino + MinIO stack, landing loads and dbt runs."""

__version__ = "0.1.0"
