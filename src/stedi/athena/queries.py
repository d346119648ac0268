"""End a dead lock holder's Athena queries before its lock is taken over.

A client killed mid-query leaves its query running in Athena until the query
ends or hits the account's DML query timeout (30 min by default, at most 240:
https://docs.aws.amazon.com/athena/latest/ug/service-limits.html). A purge
that took the lock meanwhile could VACUUM under that query's INSERT. So the
waiter that takes over a lock recorded for Athena first stops every query
still queued or running in the holder's workgroup and waits until each has
ended:
- ListQueryExecutions (the workgroup's query ids, newest first):
  https://docs.aws.amazon.com/athena/latest/APIReference/API_ListQueryExecutions.html
- BatchGetQueryExecution (their states, up to 50 ids a call):
  https://docs.aws.amazon.com/athena/latest/APIReference/API_BatchGetQueryExecution.html
- StopQueryExecution:
  https://docs.aws.amazon.com/athena/latest/APIReference/API_StopQueryExecution.html

The workgroup must be the writers' own (docs/athena.md): every query running
there while nobody holds the lock is a dead holder's, or a writer's that did
not take the lock; either must not run on under the next holder.

    >>> end_all({"workgroup": "stedi", "region": "eu-west-1"})   # ids it stopped
"""

from __future__ import annotations

import sys
import time
from datetime import timedelta

from stedi.errors import StackError

ACTIVE = ("QUEUED", "RUNNING")
# Older than this before the newest query listed, a query has ended: the DML
# timeout (at most 240 min) plus time in the queue.
HORIZON = timedelta(hours=5)
POLL = 2.0


def client_for(athena: dict):
    import boto3

    return boto3.client("athena", region_name=athena["region"])


def active_queries(client, workgroup: str) -> list[str]:
    """The ids of the workgroup's queries that are queued or running."""
    found, newest = [], None
    for page in client.get_paginator("list_query_executions").paginate(
            WorkGroup=workgroup, PaginationConfig={"PageSize": 50}):
        ids = page.get("QueryExecutionIds", [])
        if not ids:
            break
        executions = client.batch_get_query_execution(QueryExecutionIds=ids)["QueryExecutions"]
        submitted = [q["Status"]["SubmissionDateTime"] for q in executions]
        newest = newest or max(submitted)
        found += [q["QueryExecutionId"] for q in executions if q["Status"]["State"] in ACTIVE]
        if max(submitted) < newest - HORIZON:
            break
    return found


def end_all(athena: dict, client=None) -> list[str]:
    """Stop the workgroup's queued and running queries; return when each has
    ended. A StackError naming the workgroup when Athena refuses."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return _end_all(athena, client or client_for(athena))
    except (BotoCoreError, ClientError) as error:
        raise StackError(
            f"the lakehouse lock's holder is gone, but its Athena queries in workgroup "
            f"{athena.get('workgroup')} ({athena.get('region')}) could not be ended, so the "
            f"lock is not taken over: {error} (the operator role's Athena actions: "
            "docs/athena.md)") from error


def _end_all(athena: dict, client) -> list[str]:
    stopped = active_queries(client, athena["workgroup"])
    for query_id in stopped:
        print(f"[stedi] stopping Athena query {query_id} of the lock's dead holder",
              file=sys.stderr)
        client.stop_query_execution(QueryExecutionId=query_id)
    waiting = list(stopped)
    while waiting:
        executions = client.batch_get_query_execution(
            QueryExecutionIds=waiting[:50])["QueryExecutions"]
        still = {q["QueryExecutionId"] for q in executions if q["Status"]["State"] in ACTIVE}
        waiting = [q for q in waiting[:50] if q in still] + waiting[50:]
        if waiting:
            time.sleep(POLL)
    return stopped
