"""Forgetting people: the requests to be forgotten and the screen every
load applies (forgotten.py), the erasure (forget.py), and the purge that makes
deletions physical in Iceberg (purge.py)."""
