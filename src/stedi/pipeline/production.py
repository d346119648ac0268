"""`stedi build`: the local stack's `dbt build` with the arguments a scheduled
production run uses, skipped when nothing it reads has changed since the last
successful build.

    >>> build(Settings.from_env())             # runs dbt, or skips
    Build(ran=False, reason='unchanged since the build of 2026-11-26T00:10:00Z')

Two things make it a production-like build rather than the developer's:

* No dbt unit tests. Their inputs are static, so they prove the code, not the
  data; dbt Labs recommends running them in development and CI only
  (https://docs.getdbt.com/docs/build/unit-tests, "When to run unit tests",
  with `--exclude-resource-type unit_test`). Every data test still runs.
  `make test` and CI run the unit tests (their fixture runs plain `dbt build`).
* Nothing new, nothing run. A build costs a fixed time per model and test even
  when no row changes (docs/benchmarks.md). So the build records what it read,
  and the next one runs dbt only if any of it differs:
  - every object under each landing prefix and under the privacy registry
    (stedi forget): key, ETag, size, modified time;
  - the project's dbt files (models, macros, tests, seeds, dbt_project.yml,
    the profile template);
  - the dbt arguments and the lakehouse's name (bucket, schema prefix, target,
    expectations);
  - the current snapshot of every Iceberg table the build writes, so a table
    dropped, rebuilt or changed by anyone else since makes it run.
  When in doubt it runs: no record, an unreadable one, any difference, a table
  that is missing, `--full-refresh`. The record is removed before dbt starts
  and written only after dbt succeeded, so a failed build is never skipped.

And one thing makes it rebuild in full what a code change touches. An
incremental table keeps what earlier runs wrote, so a new parsing rule would
reach only the files loaded after it. When the project's files differ from the
last successful build's, the models dbt finds modified against that build's
manifest (`state:modified+`: the model, a macro or config it uses, and
everything downstream) are rebuilt with `--full-refresh`, after the rest ran as
usual (https://docs.getdbt.com/reference/node-selection/methods#state). With no
last successful build on record (a new state dir), every model is.

The record lives in <state dir>/builds/<bucket>.<schema prefix>.json, the last
successful build's manifest beside it in <bucket>.<schema prefix>.state/.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from stedi import dbt_runner, lakehouse, lock, s3
from stedi.pipeline import scanned
from stedi.settings import Settings
from stedi.stack.trino import TrinoService

# What production leaves out of `dbt build` (see the module docstring).
PRODUCTION_ARGS = ("--exclude-resource-type", "unit_test")
# The objects a build reads besides the code: the landing files and the
# requests to be forgotten (stedi forget writes them).
INPUT_PREFIXES = (*map(lakehouse.landing_prefix, lakehouse.ENTITIES), lakehouse.REGISTRY_PREFIX)
# The project's files that decide what dbt does.
PROJECT_INPUTS = ("models", "macros", "tests", "seeds", "dbt_project.yml",
                  "profiles.yml.example")
# Environment variables the profile and dbt_project.yml read.
PROJECT_ENV = ("STEDI_TARGET", "STEDI_EXPECTATIONS")
# The Iceberg tables a build writes (the views are rewritten from the code).
WRITTEN = lakehouse.TYPED + lakehouse.TRUSTED + lakehouse.CURATED
# A daily run names the landing files it reads in an environment variable, which
# holds 128 KiB on Linux when a process starts with it, and in its statements;
# past this, the typed models find the new files themselves (reading every
# file's name: correct, not pruned).
DELTA_MAX_CHARS = 100_000


@dataclass(frozen=True)
class Build:
    ran: bool
    reason: str
    # {dbt node: [bytes read, queries]} (stedi.pipeline.scanned), None when Trino's
    # statistics could not be read
    read: dict | None = None


def record_path(settings: Settings) -> Path:
    return settings.state_dir / "builds" / f"{settings.bucket}.{settings.dbt_schema}.json"


def last_good_state(settings: Settings) -> Path:
    """The folder holding the last successful build's manifest (dbt's --state)."""
    return settings.state_dir / "builds" / f"{settings.bucket}.{settings.dbt_schema}.state"


def _remember_state(settings: Settings, digest: str) -> None:
    state = last_good_state(settings)
    state.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(dbt_runner.target_dir(settings.project_dir) / "manifest.json",
                    state / "manifest.tmp")
    os.replace(state / "manifest.tmp", state / "manifest.json")
    (state / "project.sha256").write_text(digest)


def modified_since_last_good_build(settings: Settings, digest: str) -> list[str] | None:
    """The models whose code (or a macro or config they use) changed since the
    last successful build, with everything downstream: [] when no project file
    changed (no dbt call), None when there is no last successful build."""
    state = last_good_state(settings)
    try:
        if (state / "project.sha256").read_text() == digest:
            return []
    except OSError:
        return None
    if not (state / "manifest.json").is_file():
        return None
    out = dbt_runner.run_dbt(["ls", "--quiet", "--resource-type", "model", "--select",
                              "state:modified+", "--state", str(state), "--output", "name"],
                             settings, quiet=True)
    # one model name a line (the output also holds the Trino client's log lines)
    return sorted(line for line in out.splitlines() if re.fullmatch(r"\w+", line))


def landing_delta(settings: Settings, before: list | None, now: list,
                  others_unchanged: bool = True) -> dict | None:
    """What arrived since the last good build, per typed landing model: the
    landing files to read (new or changed) and the files whose earlier lines
    go (those, and the removed); `appended_only`: whether landing only gained
    files and nothing else changed (`others_unchanged`: unchanged_but_landing).
    None when there is no last good build to compare with or the lists are too
    long (DELTA_MAX_CHARS).
    before, now: input_objects() of the last good build and of today."""
    if before is None:
        return None
    old = {key: rest for key, *rest in before}
    new = {key: rest for key, *rest in now}
    delta = {}
    for typed in lakehouse.TYPED:
        prefix = lakehouse.landing_prefix(typed.entity)
        read = [k for k, rest in new.items() if k.startswith(prefix) and old.get(k) != rest]
        gone = [k for k in old if k.startswith(prefix) and k not in new]
        delta[typed.name] = {
            "read": sorted(f"s3://{settings.bucket}/{k}" for k in read),
            "replace": sorted(f"s3://{settings.bucket}/{k}" for k in read + gone)}
    # Landing only gained files (none changed or removed, no new erasure request)
    # and nothing else changed: trusted and curated may then rewrite only what
    # the new files name (follows_the_landing_delta).
    typed_prefixes = tuple(lakehouse.landing_prefix(t.entity) for t in lakehouse.TYPED)
    delta["appended_only"] = (others_unchanged
                              and all(new.get(k) == rest for k, rest in old.items())
                              and all(k in old or k.startswith(typed_prefixes) for k in new))
    return delta if len(json.dumps(delta)) <= DELTA_MAX_CHARS else None


def unchanged_but_landing(record: dict | None, current: dict, snapshots: dict | None) -> bool:
    """True when nothing but the landing objects changed since the last good build
    (`record`): the same arguments, code and lakehouse, and no table written by
    anyone else since (stedi forget, a purge, a drop). current: inputs() now;
    snapshots: table_snapshots() now."""
    if record is None or snapshots is None or record.get("snapshots") != snapshots:
        return False
    before, now = record.get("inputs", {}), json.loads(json.dumps(current))
    return ({k: v for k, v in before.items() if k != "objects"}
            == {k: v for k, v in now.items() if k != "objects"})


def delta_env(delta: dict | None) -> dict[str, str]:
    """The environment that hands dbt a landing delta (dbt_runner.LANDING_DELTA)."""
    return {} if delta is None else {dbt_runner.LANDING_DELTA: json.dumps(delta)}


def input_objects(settings: Settings) -> list[list]:
    """[key, ETag, size, modified time] of every input object, sorted by key
    (not the folder markers the engine writes when it declares a table: data
    files only, so what a build writes itself is never new to the next one)."""
    return sorted([o["Key"], o["ETag"], o["Size"], o["LastModified"].isoformat()]
                  for prefix in INPUT_PREFIXES for o in s3.list_objects(settings, prefix)
                  if not o["Key"].endswith("/"))


def project_digest(project_dir: Path) -> str:
    """SHA-256 over the path and content of every file that decides what dbt does."""
    digest = hashlib.sha256()
    for name in PROJECT_INPUTS:
        root = project_dir / name
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if path.exists():
                digest.update(str(path.relative_to(project_dir)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def table_snapshots(settings: Settings) -> dict[str, int] | None:
    """The current snapshot id of every table the build writes; None when one
    cannot be read (missing table, no snapshot, Trino refuses)."""
    selects = [f"select '{r.name}', max_by(snapshot_id, committed_at) "
               f"from \"{r.catalog}\".\"{r.schema(settings.dbt_schema)}\".\"{r.name}$snapshots\""
               for r in WRITTEN]
    try:
        cur = TrinoService(settings).connect().cursor()
        cur.execute(" union all ".join(selects))
        rows = dict(cur.fetchall())
    except Exception:  # noqa: BLE001 - any failure means "run the build"
        return None
    return rows if all(rows.get(r.name) is not None for r in WRITTEN) else None


def inputs(settings: Settings, dbt_args: list[str], objects: list | None = None,
           digest: str | None = None) -> dict:
    """Everything a build depends on but the tables it writes. objects: the
    input objects (input_objects), digest: the project's (project_digest), as
    the build read them before it ran; default: read now."""
    return {
        "dbt_args": list(dbt_args),
        "bucket": settings.bucket,
        "schema": settings.dbt_schema,
        "env": {name: os.environ.get(name) for name in PROJECT_ENV},
        "project": project_digest(settings.project_dir) if digest is None else digest,
        "objects": input_objects(settings) if objects is None else objects,
    }


def remember(settings: Settings, current: dict) -> None:
    """Record the inputs (`inputs()` as read before the build ran, so a file
    that arrived during the run is new to the next one) and the tables'
    snapshots after a successful build."""
    snapshots = table_snapshots(settings)
    if snapshots is None:
        return  # nothing to compare against next time: the next build runs
    path = record_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"built_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "inputs": current, "snapshots": snapshots}
    path.write_text(json.dumps(record, indent=1))


def last_record(settings: Settings) -> dict | None:
    """The record of the last successful build, or None."""
    try:
        return json.loads(record_path(settings).read_text())
    except (OSError, ValueError):
        return None


def changes_since(record: dict | None, current: dict, snapshots: dict | None) -> list[str]:
    """What changed since the last successful build (`record`: last_record())
    among what a build reads (`current`: inputs() now) and the tables it wrote
    (`snapshots`: table_snapshots() now): one line per kind, the objects by key;
    [] when nothing did (the build is skipped)."""
    if record is None:
        return ["no earlier build on record"]
    was, now = record.get("inputs", {}), json.loads(json.dumps(current))
    found = [f"{key} changed" for key in sorted((was.keys() | now.keys()) - {"objects"})
             if was.get(key) != now.get(key)]
    old = {o[0]: o for o in was.get("objects", [])}
    new = {o[0]: o for o in now["objects"]}
    for kind, keys in (("new", new.keys() - old.keys()), ("removed", old.keys() - new.keys()),
                       ("changed", {k for k in new.keys() & old.keys() if new[k] != old[k]})):
        if keys:
            found.append(f"{len(keys)} {kind} object(s): {', '.join(sorted(keys)[:3])}"
                         + (", ..." if len(keys) > 3 else ""))
    if record.get("snapshots") != snapshots:
        found.append("a table it writes is missing or was written outside the build"
                     if snapshots is None else "a table it writes was written outside the build")
    return found


def pending(settings: Settings, dbt_args: list[str] = (), *, unit_tests: bool = False) -> list[str]:
    """What a `build` with these arguments would run for now ([]: it would be
    skipped); reads the lake and the last build's record, changes nothing."""
    key = dbt_build_args(dbt_args, unit_tests=unit_tests)
    return changes_since(last_record(settings), inputs(settings, key), table_snapshots(settings))


def dbt_build_args(dbt_args=(), *, full_refresh: bool = False,
                   unit_tests: bool = False) -> list[str]:
    """The dbt command line of `stedi build` (the bench times the same)."""
    return ["build", *([] if unit_tests else PRODUCTION_ARGS),
            *(["--full-refresh"] if full_refresh else []), *dbt_args]


def build(settings: Settings, dbt_args: list[str] = (), *, full_refresh: bool = False,
          always: bool = False, unit_tests: bool = False, log=None) -> Build:
    """Run the production `dbt build` (plus `dbt_args`) unless nothing changed.

    always: run even when nothing changed; unit_tests: run them too (as CI does).
    """
    args = dbt_build_args(dbt_args, full_refresh=full_refresh, unit_tests=unit_tests)
    # a full refresh leaves the tables as an incremental build would: one record
    key = dbt_build_args(dbt_args, unit_tests=unit_tests)
    with lock.hold(settings, "stedi build"):   # no purge or erasure overlaps it
        # what this run reads: its objects listed once, the project hashed once
        digest = project_digest(settings.project_dir)
        current = inputs(settings, key, input_objects(settings), digest)
        record = last_record(settings)
        snapshots = None if full_refresh else table_snapshots(settings)
        changes = [] if full_refresh or always else changes_since(record, current, snapshots)
        if not (full_refresh or always or changes):
            return Build(False, f"unchanged since the build of {record.get('built_at')}")
        before = (record or {}).get("inputs", {}).get("objects")
        delta = None if full_refresh or before is None else landing_delta(
            settings, before, current["objects"],
            unchanged_but_landing(record, current, snapshots))
        record_path(settings).unlink(missing_ok=True)
        started = time.time()
        modified = [] if full_refresh else modified_since_last_good_build(settings, digest)
        if modified is None:                   # no build to compare with: all in full
            args = dbt_build_args(dbt_args, full_refresh=True, unit_tests=unit_tests)
            delta = None
        if modified:                           # the rest as usual, then the changed in full
            state = ["--state", str(last_good_state(settings))]
            dbt_runner.run_dbt([*args, "--exclude", "state:modified+", *state], settings,
                               log=log, env=delta_env(delta))
            args = [*args, "--full-refresh", "--select", "state:modified+", *state]
        dbt_runner.run_dbt(args, settings, log=log, env=delta_env(delta))
        _remember_state(settings, digest)
        remember(settings, current)
    try:
        read = scanned.from_trino(settings, started)
    except (OSError, ValueError, KeyError):
        read = None                            # the build stands; its statistics are gone
    return Build(True, "full refresh" if full_refresh else
                 "no earlier build on record: in full" if modified is None else
                 f"code changed: {', '.join(modified)} in full" if modified else
                 "run on request" if always else "; ".join(changes), read)
