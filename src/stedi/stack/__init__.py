"""The local stack: MinIO, PostgreSQL + Hive Metastore, Trino, each a service
with start/stop/status (native.py: all of them; compose.py: the same with
docker compose), and what they are installed from (install.py, prereqs.py)."""
