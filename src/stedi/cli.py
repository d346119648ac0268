"""`stedi`: the command line for the local lakehouse.

    stedi stack up | down | status     the local stack: MinIO, PostgreSQL + Hive
                                       Metastore (the catalog), Trino; native
    stedi compose up | down [--volumes]  the same stack with docker compose, checked first
    stedi load [--data-dir DIR]        upload a landing folder to MinIO
    stedi fetch-starter                download the public starter data
    stedi build [--data-dir DIR]       stack up, load, dbt build (skipped when nothing
                                       changed; no unit tests), row counts (--no-start:
                                       on a stack already up, e.g. docker compose)
    stedi counts                       row counts per zone
    stedi scanned RUN_RESULTS          bytes a dbt run on Athena scanned, per model, priced
    stedi purge [--execute]            expire Iceberg snapshots + orphan files
    stedi forget EMAIL [--execute] [--aws]  erase a person from every zone (dry run by
                                       default; --aws: the production bucket and Athena)
    stedi report [--output FILE]       HTML report of the last build (target/report.html)
    stedi synth --scale N --seed S --out DIR   synthetic landing data + expected counts
    stedi bench --scales 1,10 --repeats 3      dbt/Trino vs PySpark vs DuckDB timings
                                       (the benchmarks/ package: pip install -e benchmarks)
    stedi athena-check [--target T]    pre-flight on your AWS account (or the local Trino)
    stedi dbt ARGS...                  any dbt command, with the local profile

Options fall back to environment variables (STEDI_DATA_DIR, STEDI_TRINO_PORT, …).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from stedi import dbt_runner, lock
from stedi.errors import StackError
from stedi.lakehouse import landing_prefix
from stedi.landing import load, starter, synth
from stedi.pipeline import counts, local
from stedi.settings import Settings
from stedi.stack.native import Stack


def _settings(args) -> Settings:
    settings = Settings.from_env()
    if getattr(args, "data_dir", None):
        from dataclasses import replace

        settings = replace(settings, data_dir=Path(args.data_dir))
    return settings


def cmd_stack(args) -> int:
    stack = Stack(_settings(args))
    if args.action == "up":
        stack.up()
    elif args.action == "down":
        stack.down()
    for name, state in stack.status().items():
        print(f"{name:<6} {state}")
    return 0


def cmd_compose(args) -> int:
    from stedi.stack import compose

    settings = _settings(args)
    if args.action == "up":
        compose.up(settings)
        print(f"[stedi] compose stack up: Trino {settings.trino_url}, MinIO "
              f"{settings.s3_endpoint}, landing data loaded", file=sys.stderr)
    else:
        compose.down(settings, volumes=args.volumes)
    return 0


def cmd_load(args) -> int:
    settings = _settings(args)
    loaded = load.load_landing(settings, settings.data_dir)
    for entity, files in loaded.items():
        print(f"{entity:<14} {files} file(s) -> s3://{settings.bucket}/{landing_prefix(entity)}")
    return 0


def cmd_fetch_starter(args) -> int:
    settings = _settings(args)
    print(starter.fetch_starter(settings.data_dir))
    return 0


def cmd_build(args) -> int:
    print(local.build_local(_settings(args), expect=args.expect,
                            full_refresh=args.full_refresh, always=args.always,
                            unit_tests=args.unit_tests, start=not args.no_start))
    return 0


def cmd_counts(args) -> int:
    print(counts.format_counts(counts.row_counts(Stack(_settings(args)).trino)))
    return 0


def cmd_scanned(args) -> int:
    """What a dbt run on Athena scanned (dbt-athena's run_results.json), priced."""
    from stedi.pipeline import scanned

    path = Path(args.run_results) if args.run_results else (
        dbt_runner.target_dir(Path.cwd()) / "run_results.json")
    print(scanned.summary(scanned.from_run_results(path)))
    return 0


def cmd_purge(args) -> int:
    """Make deletions physical on every trusted/curated Iceberg table."""
    if args.execute:
        from stedi.privacy import purge

        deleted = purge.purge(_settings(args))
        print(f"[stedi] purged; {len(deleted)} superseded metadata file(s) deleted",
              file=sys.stderr)
        return 0
    dbt_runner.run_dbt(["run-operation", "purge_iceberg_history", "--args", "{dry_run: true}"],
                _settings(args))
    print("[stedi] dry run: statements printed above; run with --execute", file=sys.stderr)
    return 0


def cmd_forget(args) -> int:
    """Erase one person (by email) from the landing files and every table."""
    from stedi.privacy import forget

    settings = _settings(args)
    forget.normalise(args.email)             # a bad email is named before any call
    target = forget.Target.aws() if args.aws else forget.Target.local(settings)
    if args.execute:  # plan and erase under the lakehouse's lock: no build in between
        with lock.hold(settings, "stedi forget", client=target.client, athena=target.athena):
            return _forget(settings, args, forget, target)
    return _forget(settings, args, forget, target)


def _forget(settings, args, forget, target) -> int:
    plan = forget.make_plan(settings, args.email, target)
    if not plan.found and not plan.already_forgotten:
        raise StackError("forget: no data of that customer in the landing files or the "
                         "tables; nothing changed (check the email)")
    print(json.dumps(plan.as_dict(), indent=2) if args.json else forget.format_plan(plan))
    if args.execute:
        # Already forgotten too: an erasure whose purge failed (S3 denied a delete)
        # left no row to find but files to delete; running it again finishes it.
        forget.execute(settings, plan, target)
        print("[stedi] forgotten: lines removed, rows deleted, Iceberg history purged",
              file=sys.stderr)
    elif not plan.found:
        print("[stedi] already forgotten: nothing left to remove (--execute purges their"
              " tables' history again)", file=sys.stderr)
    else:
        print("[stedi] dry run: nothing changed; run with --execute", file=sys.stderr)
    return 0


def cmd_report(args) -> int:
    from stedi.pipeline import report

    settings = _settings(args)
    path = report.write_report(
        Stack(settings).trino,
        output=Path(args.output) if args.output else None,
        target_path=Path(args.target_path) if args.target_path else None,
        save_to=Path(args.save_json) if args.save_json else None,
    )
    print(path)
    return 0


def cmd_synth(args) -> int:
    counts = synth.generate(Path(args.out), scale=args.scale, seed=args.seed,
                            offset=args.offset, part=args.part)
    width = max(map(len, counts))
    for name, rows in counts.items():
        print(f"{name:<{width}} {rows:>12,}")
    print(f"expected counts: {Path(args.out) / 'expected_counts.json'}", file=sys.stderr)
    return 0


def cmd_bench(args) -> int:
    """The benchmark is its own package (benchmarks/), installed only where it is run."""
    try:
        from stedi_bench.bench import main as bench_main
    except ModuleNotFoundError as exc:
        if exc.name != "stedi_bench":
            raise
        raise StackError(
            "`stedi bench` needs the benchmark package: from the project directory run "
            "`.venv/bin/pip install -e benchmarks` (PySpark, DuckDB, matplotlib)."
        ) from exc
    return bench_main(args.bench_args)


def cmd_athena_check(args) -> int:
    """Pre-flight: each engine feature the project relies on, on the real engine."""
    from stedi.athena import preflight
    from stedi.settings import project_dir

    settings = _settings(args)
    if args.target == "local":
        Stack(settings).up()
    return preflight.main(project_dir(), args.target, settings)


# dbt commands that write the lakehouse: they hold its lock (stedi.lock).
DBT_WRITES = ("build", "run", "seed", "snapshot", "run-operation")


def cmd_dbt(args) -> int:
    settings = _settings(args)
    if set(args.dbt_args) & set(DBT_WRITES):
        with lock.hold(settings, "stedi dbt " + " ".join(args.dbt_args[:1])):
            dbt_runner.run_dbt(args.dbt_args, settings)
    else:
        dbt_runner.run_dbt(args.dbt_args, settings)
    return 0


def cmd_locked(args) -> int:
    """Run any command while holding the lakehouse's lock."""
    from stedi import s3

    command = args.command_args[1:] if args.command_args[:1] == ["--"] else args.command_args
    if not command:
        raise StackError("locked: give the command to run, e.g. stedi locked -- make test")
    client = s3.aws_client() if args.aws else None
    return lock.run_locked(_settings(args), command, "stedi locked: " + " ".join(command),
                           client=client, athena=lock.athena_of_env() if args.aws else None)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="stedi", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("stack", help="start, stop or inspect the local stack")
    s.add_argument("action", choices=["up", "down", "status"])
    s.set_defaults(func=cmd_stack)
    o = sub.add_parser("compose", help="docker compose up/down, with checks and no half-up stack")
    o.add_argument("action", choices=["up", "down"])
    o.add_argument("--data-dir", help="landing folder the load service uploads (env STEDI_DATA_DIR)")
    o.add_argument("--volumes", action="store_true", help="down: also delete the lake and catalog")
    o.set_defaults(func=cmd_compose)
    for name, func, text in [
        ("load", cmd_load, "upload a landing folder to MinIO"),
        ("fetch-starter", cmd_fetch_starter, "download the public starter data"),
        ("build", cmd_build, "stack up, load, dbt build, print row counts"),
        ("counts", cmd_counts, "print row counts per zone"),
    ]:
        c = sub.add_parser(name, help=text)
        c.add_argument("--data-dir", help="landing folder (env STEDI_DATA_DIR)")
        c.set_defaults(func=func)
        if name == "build":
            c.add_argument("--full-refresh", action="store_true")
            c.add_argument("--always", action="store_true",
                           help="run dbt even when nothing it reads changed since the "
                                "last successful build (default: skip)")
            c.add_argument("--no-start", action="store_true",
                           help="use the stack already running on the configured ports "
                                "(e.g. `docker compose up`); start nothing")
            c.add_argument("--unit-tests", action="store_true",
                           help="also run the dbt unit tests (production leaves them "
                                "to development and CI)")
            c.add_argument("--expect", metavar="DATASET",
                           help="assert the exact counts of a dataset named in "
                                "seeds/expected_row_counts.csv, e.g. reference "
                                "(env STEDI_EXPECTATIONS; default: report counts only)")
    sc = sub.add_parser("scanned", help="bytes a dbt run on Athena scanned, per model, "
                                        "priced at Athena's rate")
    sc.add_argument("run_results", nargs="?",
                    help="dbt's run_results.json of the run (default: in target/, "
                         "or $DBT_TARGET_PATH)")
    sc.set_defaults(func=cmd_scanned)
    g = sub.add_parser("purge", help="expire Iceberg history (dry run unless --execute)")
    g.add_argument("--execute", action="store_true", help="run the statements")
    g.set_defaults(func=cmd_purge)
    f = sub.add_parser("forget", help="erase a person from every zone (dry run unless --execute)")
    f.add_argument("email", help="the person's email (compared trimmed, case-insensitively)")
    f.add_argument("--execute", action="store_true", help="remove it (default: list only)")
    f.add_argument("--json", action="store_true", help="print the plan as JSON")
    f.add_argument("--aws", action="store_true",
                   help="the production bucket and Athena (STEDI_AWS_REGION, "
                        "STEDI_ATHENA_WORKGROUP, STEDI_ATHENA_RESULTS, STEDI_BUCKET, AWS "
                        "credentials; docs/athena.md) instead of the local stack")
    f.set_defaults(func=cmd_forget)
    r = sub.add_parser("report", help="write an HTML report of the last build")
    r.add_argument("--output", help="HTML file (default: <target-path>/report.html)")
    r.add_argument("--target-path", help="dbt artifacts of the build (default: target/)")
    r.add_argument("--save-json", help="also save the gathered figures as JSON (renders offline)")
    r.set_defaults(func=cmd_report)
    y = sub.add_parser("synth", help="write synthetic landing data and its expected counts")
    y.add_argument("--scale", type=float, default=1.0,
                   help="size relative to the reference data (1 = ~956 customers)")
    y.add_argument("--seed", type=int, default=42)
    y.add_argument("--out", required=True, help="landing folder to write")
    y.add_argument("--offset", type=int, default=0,
                   help="number customers from here (for an added part)")
    y.add_argument("--part", default="p0", help="file-name part, e.g. delta")
    y.set_defaults(func=cmd_synth)
    b = sub.add_parser("bench", add_help=False,
                       help="time dbt on Trino vs PySpark vs DuckDB (`stedi bench --help`)")
    b.add_argument("bench_args", nargs=argparse.REMAINDER)
    b.set_defaults(func=cmd_bench)
    k = sub.add_parser("athena-check",
                       help="pre-flight on your AWS account: each Athena feature used, pass/fail")
    k.add_argument("--target", choices=["athena", "local"], default="athena",
                   help="athena (needs the STEDI_* AWS variables) or the local Trino")
    k.set_defaults(func=cmd_athena_check)
    lk = sub.add_parser("locked", help="run a command holding the lakehouse's lock "
                                       "(builds, loads, purges and erasures wait for it)")
    lk.add_argument("--aws", action="store_true",
                    help="the lock in the production bucket on AWS S3 (STEDI_AWS_REGION, "
                         "STEDI_BUCKET, default credentials) instead of the local MinIO, "
                         "e.g. around dbt build --target athena")
    lk.add_argument("command_args", nargs=argparse.REMAINDER)
    lk.set_defaults(func=cmd_locked)
    d = sub.add_parser("dbt", help="run dbt with the local profile")
    d.add_argument("dbt_args", nargs=argparse.REMAINDER)
    d.set_defaults(func=cmd_dbt)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # the benchmark package parses its own options
        args = argparse.Namespace(func=cmd_bench, bench_args=argv[1:])
    else:
        args = parser().parse_args(argv)
    try:
        return args.func(args)
    except StackError as exc:
        print(f"stedi: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
