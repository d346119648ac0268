"""`stedi forget EMAIL`: erasure on request, proved on the files themselves.

One test lakehouse (its own bucket and schemas, scenario.py): a consenting
customer to forget (F), a consenting customer who shares F's Step Trainer serial
number (K, who keeps their data) and one who does not consent (N). Every object
of every bucket of the stack is listed and read (landing JSON, Parquet data
files through pyarrow, Iceberg metadata JSON, manifests and manifest lists
decoded from Avro, anything else as bytes) before and after: F's email,
customer_id and readings are found before and nowhere after, but in the one
request record (the customer_id and the time) that keeps F out when an old file
is delivered again. The catalog (the metastore's PostgreSQL database) names
neither F nor a metadata file from before the purge (catalog_trace.py).
"""

from __future__ import annotations

import gzip
import io
import json
import re
import struct
import subprocess
import zlib
from dataclasses import dataclass

import pytest
from catalog_trace import LOCATION, catalog_traces, metastore_dump, schema_folder
from conftest import STEDI, assert_every_line_accounted_for, line_accounting
from scenario import Scenario, customer, reading, step
from test_incremental import FINGERPRINT, fingerprint

from stedi import dbt_runner, lakehouse, lock, s3
from stedi.privacy import forgotten

F = "forget.me.zq9@example.com"
K = "keeps.data.zq9@example.com"
N = "never.consented.zq9@example.com"
SHARED = "serial-shared-zq9"
F_TIMES = [7_770_001_111 + 7 * k for k in range(6)]   # F's phone and Step Trainer readings
K_TIMES = [8_880_002_222 + 7 * k for k in range(6)]
N_TIMES = [9_990_003_333 + 7 * k for k in range(6)]
# A request recorded by the previous version (one object per request), for
# someone in none of the files: `stedi forget` folds it into the registry.
LEGACY = forgotten.customer_id("recorded.before.zq9@example.com")
LEGACY_LINE = json.dumps({"customer_id": LEGACY, "forgotten_at": "2025-01-01T00:00:00Z",
                          "step_readings": []}) + "\n"
PROTECTED = ["customer_trusted", "accelerometer_trusted", "step_trainer_trusted",
             "customers_curated", "machine_learning_curated"]


def _files(sc):
    sc.write("customer", "customer-1.json", [
        customer(F, serial=SHARED, updated=1_000, consent=1_000, name="Forget Me"),
        customer(K, serial=SHARED, updated=1_000, consent=1_000, name="Keep Me"),
        customer(N, serial="serial-n-zq9", updated=1_000, consent=None),
    ])
    sc.write("customer", "customer-2.json", [
        customer("  " + F.upper(), serial=SHARED, updated=2_000, consent=1_500),
        '{"customerName": "Forget Me", "email": "' + F + '", "phone": "801',  # truncated
        customer(K, serial=SHARED, updated=2_000, consent=1_000, name="Keep Me"),
    ])
    sc.write("accelerometer", "accel-1.json",
             [reading(F, ts, x=1.0) for ts in F_TIMES]
             + [reading(K, ts, x=-1.0) for ts in K_TIMES]
             + [reading(N, ts) for ts in N_TIMES])
    sc.write("step_trainer", "step-1.json",
             [step(SHARED, ts, distance=211) for ts in F_TIMES + K_TIMES]
             + [step("serial-n-zq9", ts) for ts in N_TIMES])


# --------------------------------------------------------------------------- #
# Reading every object
# --------------------------------------------------------------------------- #
def _zigzag(buf: io.BytesIO) -> int:
    shift = result = 0
    while True:
        byte = buf.read(1)[0]
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return (result >> 1) ^ -(result & 1)


def _avro_blocks(data: bytes) -> bytes:
    """The decompressed data blocks of an Avro object container file (the
    format of Iceberg manifests and manifest lists), concatenated."""
    buf = io.BytesIO(data)
    assert buf.read(4) == b"Obj\x01"
    meta = {}
    while (count := _zigzag(buf)) != 0:
        if count < 0:
            count = -count
            _zigzag(buf)
        for _ in range(count):
            key = buf.read(_zigzag(buf)).decode()
            meta[key] = buf.read(_zigzag(buf))
    sync = buf.read(16)
    codec = meta.get("avro.codec", b"null").decode()
    out = [data[:buf.tell()]]  # the header (schema) as it is
    while buf.tell() < len(data):
        _zigzag(buf)  # objects in the block
        block = buf.read(_zigzag(buf))
        assert buf.read(16) == sync
        out.append(zlib.decompress(block, -15) if codec == "deflate" else block)
        assert codec in ("null", "deflate"), codec
    return b"".join(out)


@dataclass
class Needles:
    texts: list[bytes]       # email (any case), customer_id (and its 16-char prefix)
    numbers: set[int]        # reading times, epoch ms
    def find_in_bytes(self, data: bytes) -> list[str]:
        found = []
        lowered = data.lower()
        for text in self.texts:
            if text.lower() in lowered:
                found.append(text.decode())
        for ts in self.numbers:
            if str(ts).encode() in data:
                found.append(str(ts))
            for packed in (struct.pack("<q", ts), struct.pack("<q", ts * 1000)):
                if packed in data:   # an Iceberg bound (epoch ms, or micros of a timestamp)
                    found.append(f"bound {ts}")
        return found

    def find_in_parquet(self, data: bytes) -> list[str]:
        """The needles among a Parquet file's values, a column at a time in Arrow
        (reading every value into Python took minutes on a built lake): its
        strings searched as one text, a line each (no needle holds a newline);
        its integers, and its timestamps as epoch ms, looked up in the numbers."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        found, numbers = [], pa.array(sorted(self.numbers), pa.int64())
        to_ms = {"s": 1000.0, "ms": 1.0, "us": 1e-3, "ns": 1e-6}
        for column in pq.read_table(io.BytesIO(data)).columns:
            kind, values = column.type, column.combine_chunks().drop_null()
            if pa.types.is_string(kind) or pa.types.is_large_string(kind):
                if len(values):
                    lines = pa.ListArray.from_arrays(pa.array([0, len(values)], pa.int32()),
                                                     values.cast(pa.string()))
                    found += self.find_in_bytes(pc.binary_join(lines, "\n")[0].as_py().encode())
            elif pa.types.is_integer(kind) and self.numbers:
                ints = values.cast(pa.int64())
                found += [str(v) for v in ints.filter(pc.is_in(ints, numbers)).unique().to_pylist()]
            elif pa.types.is_timestamp(kind) and self.numbers:
                ms = pc.round(pc.multiply(values.cast(pa.int64()).cast(pa.float64()),
                                          to_ms[kind.unit])).cast(pa.int64())
                found += [f"time {v}" for v in ms.filter(pc.is_in(ms, numbers)).unique().to_pylist()]
        return found


def scan_every_object(settings, needles: Needles) -> tuple[int, dict[str, list[str]]]:
    """Every object of every bucket: (objects read, {bucket/key: needles found}).
    An object deleted between its listing and its reading (a test on the other
    pytest worker dropping its scenario: integration_tests/workers.py) is gone."""
    client = s3.client(settings)
    scanned, matches = 0, {}
    for bucket in [b["Name"] for b in client.list_buckets()["Buckets"]]:
        for key in _keys(client, bucket):
            try:
                data = client.get_object(Bucket=bucket, Key=key)["Body"].read()
            except (client.exceptions.NoSuchKey, client.exceptions.NoSuchBucket):
                continue
            scanned += 1
            found = needles_in_object(key, data, needles)
            if found:
                matches[f"{bucket}/{key}"] = found
    return scanned, matches


def _keys(client, bucket: str) -> list[str]:
    try:
        return [obj["Key"] for page in client.get_paginator("list_objects_v2").paginate(
            Bucket=bucket) for obj in page.get("Contents", [])]
    except client.exceptions.NoSuchBucket:
        return []


def needles_in_object(key: str, data: bytes, needles: Needles) -> list[str]:
    """The needles one object holds: in its bytes, gunzipped, in its Parquet
    values or Avro blocks (Iceberg manifests)."""
    found = needles.find_in_bytes(data)
    if key.endswith(".gz"):
        found += needles.find_in_bytes(gzip.decompress(data))
    if data[:4] == b"PAR1":
        found += needles.find_in_parquet(data)
    elif data[:4] == b"Obj\x01":
        found += needles.find_in_bytes(_avro_blocks(data))
    return sorted(set(found))


def _state(settings, sc) -> dict:
    """The lakehouse's objects (ETags; not the lock's record, which a command
    that waited for the lock rewrites on release) and every Iceberg table's
    current snapshot (its files live in the stack's warehouse bucket)."""
    client = s3.client(settings)
    objects = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=settings.bucket):
        for obj in page.get("Contents", []):
            if not obj["Key"].startswith(lock.PREFIX):   # the lock's record is no data
                objects[obj["Key"]] = obj["ETag"]
    snapshots = {}
    for model in [*PROTECTED, "customer_landing_typed", "accelerometer_landing_typed",
                  "step_trainer_landing_typed"]:
        table = sc.table(model)
        snapshots[model] = sc.query(f'select max(snapshot_id) from {table[:-1]}$snapshots"')
    return {"objects": objects, "snapshots": snapshots}


def _cli(sc, *args):
    env = dbt_runner.dbt_env(sc.settings)
    return subprocess.run([STEDI, "forget", *args], env=env, capture_output=True, text=True,
                          check=False, timeout=1800)


def _customer_id(email):
    return forgotten.customer_id(email)


# --------------------------------------------------------------------------- #
# The scenario
# --------------------------------------------------------------------------- #
def _clear_requests(settings):
    """Requests to be forgotten outlive builds, and an object they screened stays
    screened (by design): a test starts from an empty bucket."""
    s3.ensure_bucket(settings)
    for key in s3.list_keys(settings, ""):
        s3.client(settings).delete_object(Bucket=settings.bucket, Key=key)


@pytest.fixture(scope="module")
def forgetting(stack, tmp_path_factory):
    sc = Scenario(stack, "forget", tmp_path_factory.mktemp("forget"))
    _clear_requests(sc.settings)
    _files(sc)
    s3.client(sc.settings).put_object(Bucket=sc.settings.bucket,
                                      Key=f"{lakehouse.REGISTRY_PREFIX}{LEGACY}.json",
                                      Body=LEGACY_LINE.encode())
    sc.load()
    sc.daily()   # `stedi build`: in full (none on record), and recorded for the next
    sc.keep_artifacts()   # for the report: this lakehouse's relations and tests
    needles = Needles(
        # Iceberg keeps a column's bounds truncated to 16 characters.
        texts=[F.encode(), F[:16].encode(), _customer_id(F).encode(),
               _customer_id(F)[:16].encode()],
        numbers=set(F_TIMES),
    )
    yield sc, needles
    sc.drop()
    _clear_requests(sc.settings)


def _rows_of(sc, email) -> dict[str, int]:
    cid = _customer_id(email)
    return {m: sc.count(m, f"customer_id = '{cid}'") for m in PROTECTED}


def test_bad_or_unknown_email_is_a_clear_error_and_changes_nothing(forgetting):
    sc, _ = forgetting
    before = _state(sc.settings, sc)
    for bad, words in (("", "empty"), ("   ", "empty"), ("not-an-email", "not an email"),
                       ("nobody.zq9@example.com", "no data")):
        for extra in ((), ("--execute",)):
            proc = _cli(sc, bad, *extra)
            assert proc.returncode != 0, (bad, extra)
            assert words in proc.stderr, (bad, proc.stderr)
    assert _state(sc.settings, sc) == before


def test_dry_run_lists_what_it_removes_and_changes_nothing(forgetting):
    sc, _ = forgetting
    before = _state(sc.settings, sc)
    proc = _cli(sc, "  " + F.upper() + " ", "--json")
    assert proc.returncode == 0, proc.stderr
    plan = json.loads(proc.stdout)
    bucket = sc.settings.bucket
    assert plan["customer_id"] == _customer_id(F)
    assert plan["objects"] == {
        "customer/landing/customer-1.json": 1,
        "customer/landing/customer-2.json": 2,      # the record and the truncated line
        "accelerometer/landing/accel-1.json": len(F_TIMES),
        "step_trainer/landing/step-1.json": len(F_TIMES),
    }, bucket
    assert plan["rows"]["customer_trusted"] == 1
    assert plan["rows"]["accelerometer_trusted"] == len(F_TIMES)
    assert plan["rows"]["step_trainer_trusted"] == len(F_TIMES)
    assert plan["rows"]["machine_learning_curated"] == len(F_TIMES)
    assert _state(sc.settings, sc) == before


@pytest.fixture(scope="module")
def erased(forgetting):
    """The story's erasure, `stedi forget F --execute`, carried out once with what
    was there before it: the tests after it start from the erased lake, whichever
    of them runs first."""
    sc, needles = forgetting
    keeps_before = _rows_of(sc, K)
    assert all(n > 0 for n in keeps_before.values()), keeps_before
    assert all(n > 0 for n in _rows_of(sc, F).values())
    scanned_before, before = scan_every_object(sc.settings, needles)
    # The catalog names each table's metadata files (the current and the one
    # before it), in this lakehouse's schema folders.
    scope = schema_folder(sc.settings.dbt_schema)
    named_before = [loc for loc in LOCATION.findall(metastore_dump(sc.settings))
                    if scope in loc]
    proc = _cli(sc, F, "--execute")
    return sc, needles, proc, {"keeps": keeps_before, "scanned": scanned_before,
                               "found": before, "scope": scope, "named": named_before}


def test_forget_erases_the_person_from_every_object(erased):
    sc, needles, proc, was = erased
    keeps_before, scanned_before, before, scope = (was["keeps"], was["scanned"],
                                                   was["found"], was["scope"])
    assert any("/customer/landing/" in k for k in before), before
    assert any(k.endswith(".parquet") for k in before), before
    assert any(k.endswith(".avro") for k in before), before   # manifests' bounds
    assert len(was["named"]) >= 2 * len(PROTECTED), was["named"]
    assert proc.returncode == 0, proc.stderr + proc.stdout

    # The catalog (every table of the metastore's database: TBLS, TABLE_PARAMS
    # with metadata_location and previous_metadata_location, TAB_COL_STATS,
    # PART_COL_STATS, ...) names neither F nor a metadata file that still exists
    # and lists a snapshot from before the purge (one that held F's rows).
    traces = catalog_traces(sc.settings, [*(t.decode() for t in needles.texts), "Forget Me"],
                            scope)
    assert traces == {"names": [], "stale_metadata": {}}, traces

    scanned_after, after = scan_every_object(sc.settings, needles)
    registry = f"{sc.settings.bucket}/{lakehouse.REGISTRY_KEY}"
    assert set(after) == {registry}, after
    # One registry object: the legacy request folded in (its object deleted),
    # then F's, one line each.
    assert s3.list_keys(sc.settings, lakehouse.REGISTRY_PREFIX) == [lakehouse.REGISTRY_KEY]
    legacy, line = s3.client(sc.settings).get_object(
        Bucket=sc.settings.bucket, Key=lakehouse.REGISTRY_KEY)["Body"].read().splitlines()
    assert legacy == LEGACY_LINE.strip().encode()
    record = json.loads(line)
    assert set(record) == {"customer_id", "forgotten_at", "step_readings"}
    assert record["customer_id"] == _customer_id(F)
    # the Step Trainer readings attributed to F, as hashes (never the values)
    assert sorted(record["step_readings"]) == sorted(
        forgotten.step_reading_id(SHARED, ts) for ts in F_TIMES)
    print(f"\nforget scan: {scanned_before} objects before, {len(before)} with matches;"
          f" {scanned_after} objects after, {len(after)} with matches (the request record)")

    # The others keep everything; the other lines of each file are byte-identical.
    assert _rows_of(sc, K) == keeps_before
    assert sc.count("customer_landing_typed", f"email_key = '{N}'") == 1
    client = s3.client(sc.settings)
    for entity, name in (("customer", "customer-1.json"), ("accelerometer", "accel-1.json"),
                         ("step_trainer", "step-1.json")):
        local = (sc.folder / entity / "landing" / name).read_bytes().splitlines(keepends=True)
        stored = client.get_object(Bucket=sc.settings.bucket,
                                   Key=f"{entity}/landing/{name}")["Body"].read()
        assert stored == b"".join(
            line for line in local
            if F.encode() not in line.lower()
            and not any(f"{SHARED}\", \"distanceFromObject\": 211".encode() in line
                        and str(ts).encode() in line for ts in F_TIMES)), name


def test_builds_after_forgetting_agree_and_keep_them_out(erased):
    sc = erased[0]
    sc.daily()   # after an erasure `stedi build` rebuilds trusted and curated whole
    sc.assert_equals_full_refresh()
    assert all(n == 0 for n in _rows_of(sc, F).values())
    assert all(n > 0 for n in _rows_of(sc, K).values())


def test_a_redelivered_old_file_does_not_bring_them_back(erased):
    sc = erased[0]
    before = fingerprint(sc)
    # The original files, F's lines included, written into the landing prefixes
    # by an upstream app (not `stedi load`, which would screen F's lines out):
    # the typed landing tables must keep F out on their own.
    _files(sc)
    client = s3.client(sc.settings)
    for path in sc.folder.glob("*/landing/*.json"):
        client.put_object(Bucket=sc.settings.bucket, Key=str(path.relative_to(sc.folder)),
                          Body=path.read_bytes())
    sc.build()
    assert fingerprint(sc) == before
    assert all(n == 0 for n in _rows_of(sc, F).values())
    reasons = dict(sc.query("select outcome_reason, count(*) from {customer_landing_outcome}"
                            " where outcome = 'excluded' group by 1"))
    # F's two records and the truncated line that names F
    assert reasons.get("forgotten") == 3, reasons
    accel = dict(sc.query("select outcome_reason, count(*) from {accelerometer_landing_outcome}"
                          " group by 1"))
    assert accel.get("forgotten") == len(F_TIMES), accel
    cursor = sc.trino.connect().cursor()
    for entity in ("customer", "accelerometer", "step_trainer"):
        assert_every_line_accounted_for(line_accounting(cursor, sc.settings, entity))
    sc.dbt("test", "--select", "test_landing__every_line_accounted_for")
    # The typed tables keep only the file and time of F's lines.
    assert sc.count("customer_landing_typed", "rejection_reason = 'forgotten'"
                    " and raw_line is null and email is null") == 3
    sc.build("--full-refresh")
    assert fingerprint(sc) == before
    assert set(FINGERPRINT) <= set(before)


def test_report_counts_the_forgotten_never_their_email(erased, tmp_path):
    from stedi.pipeline import report

    sc = erased[0]
    # the artifacts of this lakehouse's build (the counts are read from its tables now)
    path = report.write_report(sc.trino, output=tmp_path / "report.html",
                               target_path=sc.artifacts)
    held_out = dict(report.gather(sc.trino, sc.artifacts).held_out)
    # F's request and the legacy one folded into the registry object
    assert held_out[report.HELD_OUT_REASONS["forgotten"]] == 2
    assert F not in path.read_text().lower() and "@" not in path.read_text()


def _render_forget(tmp_path, target: str, customer_sha256: str) -> list[str]:
    """The statements `forget_customer` prints in a dry run, rendered offline
    for `target` (no AWS credentials, no connection)."""
    import shutil

    from conftest import REPO_ROOT, offline_dbt_env

    profiles = tmp_path / "profiles"
    profiles.mkdir(exist_ok=True)
    shutil.copyfile(REPO_ROOT / "profiles.yml.example", profiles / "profiles.yml")
    args = {"customer_sha256": customer_sha256, "dry_run": True}
    proc = subprocess.run(
        [dbt_runner.dbt_executable(), "run-operation", "forget_customer", "--target", target,
         "--args", json.dumps(args), "--target-path", str(tmp_path / "target"),
         "--log-path", str(tmp_path / "logs"), "--no-populate-cache"],
        cwd=REPO_ROOT, env=offline_dbt_env(profiles), capture_output=True, text=True,
        check=False, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return [line.split("dry run: ", 1)[1] for line in proc.stdout.splitlines()
            if "dry run: delete" in line]


def test_forget_statements_render_for_athena_in_documented_forms(tmp_path):
    """Offline, no AWS credentials: the statements `forget_customer` would send
    to Athena are DELETE FROM db.table WHERE <predicate>, no catalog on the
    target, no double quotes on it; one per table dbt builds from landing data.
    The customer_id is the only value in them: the Step Trainer readings are
    read from the registry and step_trainer_trusted by an uncorrelated
    subquery, never written into the statement."""
    cid = forgotten.customer_id(F)
    deletes = _render_forget(tmp_path, "athena", cid)
    tables = {d.split()[2] for d in deletes}
    assert tables == {
        "stedi_landing.customer_landing_typed", "stedi_landing.accelerometer_landing_typed",
        "stedi_landing.step_trainer_landing_typed", "stedi_trusted.customer_trusted",
        "stedi_trusted.accelerometer_trusted", "stedi_trusted.step_trainer_trusted",
        "stedi_curated.customers_curated", "stedi_curated.machine_learning_curated",
    }
    for statement in deletes:
        target, where = statement.split(" where ", 1)
        assert '"' not in target and "awsdatacatalog" not in target, statement
        assert cid in where and "@" not in statement, statement
        if "step_trainer_landing_typed" in target:
            assert "forgotten_customers" in where and "step_trainer_trusted" in where
        else:
            assert "select" not in where.lower(), statement


# --------------------------------------------------------------------------- #
# The documented command sequence: `stedi build` (what `make lakehouse` runs:
# load the local folder, build), `stedi forget EMAIL --execute`, then the next
# `stedi build`, which loads the same local folder again.
# --------------------------------------------------------------------------- #
def _stedi(sc, *args):
    env = dict(dbt_runner.dbt_env(sc.settings), STEDI_DATA_DIR=str(sc.folder),
               STEDI_EXPECTATIONS="none")
    proc = subprocess.run([STEDI, *args], env=env, capture_output=True, text=True,
                          check=False, timeout=1800)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def _landing_objects(settings) -> dict[str, bytes]:
    client = s3.client(settings)
    return {key: client.get_object(Bucket=settings.bucket, Key=key)["Body"].read()
            for entity in ("customer", "accelerometer", "step_trainer")
            for key in s3.list_keys(settings, f"{entity}/landing/")}


def test_the_next_build_does_not_load_a_forgotten_person_back(stack, tmp_path):
    sc = Scenario(stack, "forget_then_build", tmp_path)
    _clear_requests(sc.settings)
    try:
        _files(sc)
        _stedi(sc, "build")
        plan = json.loads(_stedi(sc, "forget", F, "--json").stdout)
        # the dry run names the local files that hold F's lines (left as they are)
        assert plan["local_files"] == {
            str(sc.folder / "customer" / "landing" / "customer-1.json"): 1,
            str(sc.folder / "customer" / "landing" / "customer-2.json"): 2,
            str(sc.folder / "accelerometer" / "landing" / "accel-1.json"): len(F_TIMES),
            str(sc.folder / "step_trainer" / "landing" / "step-1.json"): len(F_TIMES),
        }, plan
        _stedi(sc, "forget", F, "--execute")
        erased = _landing_objects(sc.settings)

        # before the next build, a new delivery of a file that still holds F's
        # lines (the others stay as they were, F's lines in them too)
        accel_key = "accelerometer/landing/accel-1.json"
        accel = sc.folder / accel_key
        accel.write_text(accel.read_text() + json.dumps(reading(K, 8_880_009_999)) + "\n")

        _stedi(sc, "build")                        # the README's next command
        # the files not delivered again are left as the erasure wrote them; the
        # new delivery is uploaded without F's lines
        now = _landing_objects(sc.settings)
        assert {k: v for k, v in now.items() if k != accel_key} == \
            {k: v for k, v in erased.items() if k != accel_key}
        assert set(now) == set(erased)
        needles = Needles(texts=[F.encode(), _customer_id(F).encode()], numbers=set(F_TIMES))
        found = {key: needles.find_in_bytes(data)
                 for key, data in now.items()}
        assert {k: v for k, v in found.items() if v} == {}, found
        stored = now[accel_key]
        assert b"8880009999" in stored
        assert all(n == 0 for n in _rows_of(sc, F).values())
        assert sc.count("accelerometer_trusted", f"customer_id = '{_customer_id(K)}'") == \
            len(K_TIMES) + 1
    finally:
        sc.drop()
        _clear_requests(sc.settings)


def test_the_screen_takes_exactly_a_forgotten_persons_lines():
    """forgotten.Screen, the loader's rule (offline): by the email in any case or
    padding, by an email-like word of a line that is not JSON, by a Step
    Trainer reading's hash; every other line byte for byte."""
    screen = forgotten.Screen(frozenset({_customer_id(F)}),
                            frozenset({forgotten.step_reading_id(SHARED, F_TIMES[0])}))
    accel = (json.dumps(reading("  " + F.upper() + " ", 1)) + "\r\n"
             + json.dumps(reading(K, 2)) + "\n"
             + '{"user": "' + F + '", "timest' + "\r"         # truncated, lone CR
             + json.dumps(reading("x" + F, 3))).encode()       # another address
    kept, removed = screen.apply("accelerometer", accel)
    assert removed == 2
    assert kept == (json.dumps(reading(K, 2)) + "\n" + json.dumps(reading("x" + F, 3))).encode()
    steps = "\n".join(json.dumps(step(SHARED, ts)) for ts in F_TIMES[:2]) + "\n"
    kept, removed = screen.apply("step_trainer", steps.encode())
    assert (kept, removed) == ((json.dumps(step(SHARED, F_TIMES[1])) + "\n").encode(), 1)
    assert forgotten.Screen().apply("customer", accel) == (accel, 0)


# Athena rejects a query longer than 262,144 bytes (not adjustable):
# https://docs.aws.amazon.com/athena/latest/ug/service-limits.html
ATHENA_MAX_QUERY_BYTES = 262_144
RUN_STARTED_AT = re.compile(r"cast\('\d{4}-\d\d-\d\d [\d:.]+' as timestamp\(6\)\)")


def test_the_models_read_the_requests_as_data_whatever_their_number(stack, tmp_path):
    """100,000 requests to be forgotten change no compiled statement: the
    typed landing models join the registry in the query (no list of ids
    written into the SQL at compile time), so every statement stays the size
    it is with none, far under Athena's limit."""
    sc = Scenario(stack, "many_requests", tmp_path)
    _clear_requests(sc.settings)
    try:
        sc.dbt("run-operation", "create_landing_tables")

        def compiled(name: str) -> dict[str, str]:
            sc.dbt("compile", "--select", "customer_landing_typed",
                   "accelerometer_landing_typed", "step_trainer_landing_typed",
                   "--target-path", str(tmp_path / name))
            # the one literal that differs between two compiles: the run's start
            return {p.name: RUN_STARTED_AT.sub("<run_started_at>", p.read_text())
                    for p in (tmp_path / name).rglob("compiled/**/*.sql")}

        none = compiled("none")
        ids = [forgotten.customer_id(f"person{i}@example.com") for i in range(100_000)]
        s3.client(sc.settings).put_object(
            Bucket=sc.settings.bucket, Key=lakehouse.REGISTRY_PREFIX + "bulk.json",
            Body="".join(json.dumps({"customer_id": c}) + "\n" for c in ids).encode())
        assert sc.query("select count(*) from hive.t_many_requests_privacy"
                        ".forgotten_customers")[0][0] == len(ids)
        many = compiled("many")
        assert {"customer_landing_typed.sql", "accelerometer_landing_typed.sql"} <= set(many)
        assert many == none
        longest = max(len(sql.encode()) for sql in many.values())
        assert longest < ATHENA_MAX_QUERY_BYTES, longest
        print(f"\nlongest compiled model with 100,000 requests: {longest:,} bytes")
    finally:
        sc.drop()
        _clear_requests(sc.settings)


def test_a_second_forget_appends_to_the_one_registry_object(erased):
    sc = erased[0]
    proc = _cli(sc, N, "--execute")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert s3.list_keys(sc.settings, lakehouse.REGISTRY_PREFIX) == [lakehouse.REGISTRY_KEY]
    body = s3.client(sc.settings).get_object(
        Bucket=sc.settings.bucket, Key=lakehouse.REGISTRY_KEY)["Body"].read()
    assert [json.loads(line)["customer_id"] for line in body.splitlines()] == [
        LEGACY, _customer_id(F), _customer_id(N)]
    assert b"@" not in body
    # a request already recorded is not written again
    proc = _cli(sc, F, "--json")
    assert json.loads(proc.stdout)["already_forgotten"] is True, proc.stderr
