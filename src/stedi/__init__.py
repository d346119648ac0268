"""STEDI lakehouse tooling: the local stack (MinIO, PostgreSQL + Hive Metastore,
Trino), landing loads and dbt runs."""

__version__ = "0.1.0"
