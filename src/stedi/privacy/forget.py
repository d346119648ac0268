"""Erase a person on request: `stedi forget EMAIL [--execute]`.

The email is normalised as everywhere (trimmed, lower-cased) and identified by
its SHA-256, the customer_id. A dry run (the default) lists what would be
removed; --execute removes it, in this order:

1. records the request: one line appended to the registry, the one object
   s3://<bucket>/privacy/forgotten_customers/requests.jsonl (a conditional
   write: forgotten.record_request), holding the hash, the time and the hashes
   of the Step Trainer readings attributed to them, nothing else. The typed landing tables
   join it (`is_forgotten_customer`): a line of a forgotten customer delivered
   again is kept only as its file and time, with the reason `forgotten`, so it
   never reaches a trusted table; and `stedi load` screens their lines out of
   every file it uploads (forgotten.Screen), so loading the local landing folder
   again (`make lakehouse`, `stedi build`) never brings them back. The dry
   run lists the local files that still hold their lines;
2. rewrites every landing object holding their lines without those lines (the
   other lines byte for byte as they were): customer records and phone
   readings that name the email (parsed, or for a line that is not a JSON
   object, the email as a word of its text), and the Step Trainer readings
   that were attributed to them (step_trainer_trusted): a reading another
   customer sharing the serial number owns stays;
3. runs the typed landing tables (`dbt run`): a rewritten object is a
   re-delivered file to them, so its earlier lines (malformed ones naming
   the person included) are replaced by the lines it holds now;
4. deletes their rows from every trusted and curated table (and from the
   typed landing tables, by the SHA-256 of email_key, and the Step Trainer
   readings by the hashes the request recorded: a guard), then makes it
   physical on every one of these Iceberg tables (compaction, snapshot
   expiry, orphan-file removal): the `forget_customer` dbt operation, which
   renders the same statements for Athena. It is passed the customer_id
   only: every statement reads what else it needs from the lake, so none
   grows with the person's readings or the number of requests.

On AWS (`stedi forget EMAIL --aws [--execute]`, docs/athena.md) the same
steps run against the production bucket and Athena: every S3 call goes through
the one client of the target (Target.client: s3.aws_client), the plan's query
through Athena, and the dbt steps with `--target athena`; nothing reaches the
local stack. (The local stack's last step, deleting superseded metadata files
through the Hive catalog, is Trino's; Athena's VACUUM does that part.)

    >>> plan = make_plan(Settings.from_env(), "Someone@Example.com")   # dry run
    >>> execute(Settings.from_env(), plan)
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime

from stedi import dbt_runner, lakehouse, lock, s3
from stedi.errors import StackError
from stedi.landing import load
from stedi.privacy import purge
from stedi.privacy.forgotten import Screen, customer_id, record_request, step_reading_id
from stedi.settings import Settings
from stedi.stack.trino import TrinoService

# One @, something on both sides, a dot in the domain, no white space.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
def normalise(email: str) -> str:
    """The email as the models compare it; a clear error when it is not one."""
    key = (email or "").strip().lower()
    if not key:
        raise StackError("forget: the email is empty")
    if not EMAIL.fullmatch(key):
        raise StackError("forget: that is not an email address (expected name@domain.tld)")
    return key


@dataclass(frozen=True)
class Target:
    """Where an erasure runs: the one S3 client, the engine's query, dbt's target."""
    name: str                                # "local" or "athena"
    client: object                           # every S3 call of the erasure
    query: Callable[[str], list]             # a SELECT on the target's engine
    dbt_args: tuple[str, ...] = ()           # e.g. ("--target", "athena")
    athena: dict | None = None               # the lock's record on Athena

    @classmethod
    def local(cls, settings: Settings) -> Target:
        return cls("local", s3.client(settings), TrinoService(settings).query)

    @classmethod
    def aws(cls) -> Target:
        """The production bucket and Athena; a StackError naming what is missing
        (a variable, credentials) before any call."""
        client = s3.aws_client()
        return cls("athena", client, _athena_query, ("--target", "athena"),
                   lock.athena_of_env())

    def table(self, settings: Settings, name: str) -> str:
        if self.name == "local":
            return lakehouse.qualified(name, settings.dbt_schema)
        relation = lakehouse.relation(name)     # Athena: the Glue database and table
        return f'"{relation.schema(settings.dbt_schema)}"."{relation.name}"'


def _athena_query(sql: str) -> list:
    """A SELECT on Athena, in the workgroup dbt uses (pyathena, as the pre-flight)."""
    from pyathena import connect

    cursor = connect(region_name=os.environ["STEDI_AWS_REGION"],
                     work_group=os.environ["STEDI_ATHENA_WORKGROUP"],
                     s3_staging_dir=os.environ["STEDI_ATHENA_RESULTS"]).cursor()
    cursor.execute(sql)
    return cursor.fetchall()


@dataclass
class Plan:
    customer_id: str
    already_forgotten: bool
    objects: dict[str, int] = field(default_factory=dict)   # s3 key -> lines to remove
    rows: dict[str, int] = field(default_factory=dict)      # model -> rows to delete
    step_readings: list[tuple[str, int]] = field(default_factory=list)
    local_files: dict[str, int] = field(default_factory=dict)  # path -> lines screened at load

    @property
    def found(self) -> bool:
        return bool(self.objects) or any(self.rows.values())

    def as_dict(self) -> dict:
        return {"customer_id": self.customer_id, "already_forgotten": self.already_forgotten,
                "objects": self.objects, "local_files": self.local_files, "rows": self.rows,
                "step_readings": len(self.step_readings)}


def _read(client, bucket: str, key: str) -> bytes:
    data = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    return gzip.decompress(data) if key.endswith(".gz") else data


# --------------------------------------------------------------------------- #
# Plan and execute
# --------------------------------------------------------------------------- #
def _step_readings(target: Target, settings: Settings, cid: str) -> list[tuple[str, int]]:
    """The Step Trainer readings attributed to the person. On Athena the form
    `SELECT [DISTINCT] ... FROM [db.]table WHERE condition`
    (https://docs.aws.amazon.com/athena/latest/ug/select.html)."""
    table = target.table(settings, "step_trainer_trusted")
    rows = target.query(f"select distinct serial_number, sensor_reading_epoch_ms from {table}"
                        f" where customer_id = '{cid}'")
    return sorted((serial, int(ts)) for serial, ts in rows)


def _count_rows(settings: Settings, cid: str, target: Target) -> dict[str, int]:
    """Rows erasure would delete per table, by forget_customer's own predicates
    (which read the attributed readings from the lake: only the id is passed)."""
    args = {"customer_sha256": cid}
    out = dbt_runner.run_dbt(["--quiet", "run-operation", "forget_customer_rows",
                              "--args", json.dumps(args), *target.dbt_args], settings, quiet=True)
    printed = [line for line in out.splitlines() if line.startswith("{")]
    if not printed:
        raise StackError(f"forget: forget_customer_rows printed no counts:\n{out[-2000:]}")
    return {model: rows for model, rows in json.loads(printed[-1]).items()}


def make_plan(settings: Settings, email: str, target: Target | None = None) -> Plan:
    """What forgetting `email` removes; changes nothing. target: default local."""
    target = target or Target.local(settings)
    cid = customer_id(normalise(email))
    plan = Plan(customer_id=cid, already_forgotten=cid in Screen.from_registry(
        settings, target.client).customers)
    plan.step_readings = _step_readings(target, settings, cid)
    plan.objects = landing_objects(settings, _screen(plan), target.client)
    if target.name == "local":
        # The folder `stedi load` uploads from: left as it is (it is the user's), but
        # every load screens these lines out with the request (forgotten.Screen).
        screen = _screen(plan)
        for entity, paths in load.landing_files(settings.data_dir, require=False).items():
            for path in paths:
                _, removed = screen.apply(entity, load.read_local(path))
                if removed:
                    plan.local_files[str(path)] = removed
    plan.rows = _count_rows(settings, cid, target)
    return plan


def landing_objects(settings: Settings, screen: Screen, client) -> dict[str, int]:
    """Every landing object holding lines `screen` removes -> how many."""
    objects = {}
    for entity in lakehouse.ENTITIES:
        for key in s3.list_keys(settings, lakehouse.landing_prefix(entity), client):
            _, removed = screen.apply(entity, _read(client, settings.bucket, key))
            if removed:
                objects[key] = removed
    return objects


def _screen(plan: Plan) -> Screen:
    return Screen(frozenset({plan.customer_id}),
                  frozenset(step_reading_id(s, ms) for s, ms in plan.step_readings))


def execute(settings: Settings, plan: Plan, target: Target | None = None) -> None:
    """Forget: record the request, rewrite the landing objects, delete and purge."""
    target = target or Target.local(settings)
    with lock.hold(settings, "stedi forget", client=target.client,  # never under a build
                   athena=target.athena):
        erase_files(settings, plan, target.client)
        erase_rows(settings, plan, target)


def erase_files(settings: Settings, plan: Plan, client) -> None:
    """The S3 half: record the request, rewrite the landing objects holding
    their lines (and delete those objects' older versions), through `client`."""
    screen = _screen(plan)
    # Always: a request already recorded is not written again, but the
    # previous version's per-request objects are folded into the registry.
    record_request(settings, {
        "customer_id": plan.customer_id,
        "forgotten_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "step_readings": sorted(screen.step_readings)}, client)
    versioned = client.get_bucket_versioning(Bucket=settings.bucket).get("Status")
    for key in plan.objects:
        entity = key.split("/", 1)[0]
        kept, _ = screen.apply(entity, _read(client, settings.bucket, key))
        body = gzip.compress(kept, mtime=0) if key.endswith(".gz") else kept
        # The object keeps the loader's hash of the local file it came from: a
        # load of that same file is then a no-op, and a changed file is
        # uploaded screened (load.load_landing).
        source = client.head_object(Bucket=settings.bucket, Key=key).get("Metadata", {})
        client.put_object(Bucket=settings.bucket, Key=key, Body=body, Metadata=source)
        if versioned:  # an older version of the object still holds the lines
            for version in client.list_object_versions(
                    Bucket=settings.bucket, Prefix=key).get("Versions", []):
                if version["Key"] == key and not version["IsLatest"]:
                    client.delete_object(Bucket=settings.bucket, Key=key,
                                         VersionId=version["VersionId"])


def dbt_steps(plan: Plan, target: Target) -> list[list[str]]:
    """The dbt commands that delete and purge the rows, on the target's engine.
    Only the customer_id: the statements read the attributed readings from the
    registry just written (forget_customer_predicates), so neither the argument
    nor any statement grows with them."""
    args = {"customer_sha256": plan.customer_id, "dry_run": False}
    return [["run", "--select", *lakehouse.names(lakehouse.TYPED), *target.dbt_args],
            ["run-operation", "forget_customer", "--args", json.dumps(args),
             *target.dbt_args]]


def erase_rows(settings: Settings, plan: Plan, target: Target) -> None:
    """The typed landing tables re-read the rewritten objects; the rows are
    deleted and purged (dbt_steps). Locally a purge that fails (S3 denied a
    delete) names every file it left and every table it did not finish."""
    leftovers = (purge.naming_leftovers(settings, lakehouse.ZONES) if target.name == "local"
                 else nullcontext())
    with leftovers:
        for step in dbt_steps(plan, target):
            dbt_runner.run_dbt(step, settings, quiet=True)
    if target.name == "local":
        # The catalog must not point at a metadata file from before the purge, no
        # table a failed run left may hold their rows, and no file may be left.
        purge.drop_leftovers(settings)
        purge.drop_superseded_metadata(settings)
        purge.drop_unreferenced(settings, lakehouse.ZONES)     # and checks that none is left


def format_plan(plan: Plan) -> str:
    lines = [f"customer_id {plan.customer_id}"
             + (" (already forgotten)" if plan.already_forgotten else "")]
    lines += [f"  s3 object  {key}: {n} line(s)" for key, n in sorted(plan.objects.items())]
    lines += [f"  local file {path}: {n} line(s) (kept as is; every load screens them out)"
              for path, n in sorted(plan.local_files.items())]
    lines += [f"  table      {model}: {n} row(s)" for model, n in plan.rows.items() if n]
    return "\n".join(lines)
