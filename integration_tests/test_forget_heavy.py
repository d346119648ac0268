"""A heavy user is forgotten: 100,000 attributed Step Trainer readings.

One small test lakehouse (scenario.py, its own bucket and schemas): H, a
consenting customer with 100,000 Step Trainer readings on their serial number,
each matched by a phone reading at the same time (so step_trainer_trusted
attributes every one to H); L, a consenting customer with one such reading,
whose erasure is only rendered (a dry run: test_forget.py carries out a light
user's); K, who keeps their data. `stedi forget EMAIL --execute` forgets H, end to
end (landing, typed, trusted, curated; every object of the stack read after,
Parquet values, manifests and the catalog, as test_forget does), H in under
10 minutes on this 2-core machine. Every statement the erasure sends is the
same size for one reading or 100,000, one request or 100,001: the statements
read the readings and the requests from the lake (forget_customer_predicates),
never from an argument.
"""

from __future__ import annotations

import json
import re
import subprocess
import time

import numpy as np
import pytest
from catalog_trace import catalog_traces, schema_folder
from conftest import STEDI
from scenario import Scenario, customer, reading, step
from test_forget import PROTECTED, Needles, _clear_requests, scan_every_object

from stedi import dbt_runner, lakehouse, s3
from stedi.privacy import forgotten

H = "heavy.user.zq7@example.com"
L = "light.user.zq7@example.com"
K = "keeps.data.zq7@example.com"
READINGS = 100_000
H_TIMES = [1_650_000_000_000 + 10 * k for k in range(READINGS)]
L_TIMES = [1_660_000_000_000]
K_TIMES = [1_670_000_000_000 + 10 * k for k in range(5)]
FORGET_BUDGET_SECONDS = 600      # the bound for 100,000 readings
# A statement forget_customer logs, in dbt.log ("...]: run: ...") or on stdout
RUN_LINE = re.compile(r"(?:^|\s)(?:dry run|run): (.*)$")


class ManyNumbers(Needles):
    """Needles with 100,000 reading times: looked up in a set (digit runs of
    the text; every 8-byte little-endian word, as an Iceberg bound), not one
    search per time."""

    def find_in_bytes(self, data: bytes) -> list[str]:
        found = [t.decode() for t in self.texts if t.lower() in data.lower()]
        found += [n.decode() for n in re.findall(rb"\d{13,16}", data)
                  if int(n) in self.numbers or int(n) // 1000 in self.numbers]
        wanted = self._sorted()
        for offset in range(min(8, max(0, len(data) - 7))):
            words = np.frombuffer(data[offset:offset + (len(data) - offset) // 8 * 8],
                                  dtype="<i8")
            for candidate in (words, np.where(words % 1000 == 0, words // 1000, -1)):
                at = np.searchsorted(wanted, candidate).clip(0, len(wanted) - 1)
                found += [f"bound {int(w)}" for w in candidate[wanted[at] == candidate]]
        return found

    def _sorted(self) -> np.ndarray:
        if getattr(self, "_wanted", None) is None:
            self._wanted = np.sort(np.fromiter(self.numbers, dtype="<i8"))
        return self._wanted


def _files(sc) -> None:
    sc.write("customer", "customers.json", [
        customer(H, serial="serial-heavy-zq7", consent=1_000, name="Heavy User"),
        customer(L, serial="serial-light-zq7", consent=1_000, name="Light User"),
        customer(K, serial="serial-keeps-zq7", consent=1_000, name="Keeps Data"),
    ])
    sc.write("accelerometer", "phone.json",
             [reading(H, ts) for ts in H_TIMES] + [reading(L, ts) for ts in L_TIMES]
             + [reading(K, ts) for ts in K_TIMES])
    sc.write("step_trainer", "steps.json",
             [step("serial-heavy-zq7", ts) for ts in H_TIMES]
             + [step("serial-light-zq7", ts) for ts in L_TIMES]
             + [step("serial-keeps-zq7", ts) for ts in K_TIMES])


def _forget(sc, email: str, log_dir) -> tuple[float, list[str]]:
    """`stedi forget EMAIL --execute`: its wall time and the statements
    forget_customer ran (dbt's log of this invocation)."""
    env = dict(dbt_runner.dbt_env(sc.settings), DBT_LOG_PATH=str(log_dir))
    started = time.monotonic()
    proc = subprocess.run([STEDI, "forget", email, "--execute"], env=env, capture_output=True,
                          text=True, check=False, timeout=3 * FORGET_BUDGET_SECONDS)
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return elapsed, _statements((log_dir / "dbt.log").read_text())


def _statements(log: str) -> list[str]:
    """The statements forget_customer logged (`run: ...` / `dry run: ...`)."""
    return [m.group(1) for line in log.splitlines() if (m := RUN_LINE.search(line))]


def _dry_run(sc, cid: str) -> list[str]:
    out = sc.dbt("run-operation", "forget_customer",
                 "--args", json.dumps({"customer_sha256": cid, "dry_run": True}))
    return _statements(out.replace("\x1b[0m", ""))


def _longest(statements: list[str]) -> int:
    return max(len(s.encode()) for s in statements)


def _rows(sc, email) -> dict[str, int]:
    cid = forgotten.customer_id(email)
    return {m: sc.count(m, f"customer_id = '{cid}'") for m in PROTECTED}


@pytest.fixture(scope="module")
def heavy(stack, tmp_path_factory):
    sc = Scenario(stack, "heavy", tmp_path_factory.mktemp("heavy"))
    _clear_requests(sc.settings)
    _files(sc)
    started = time.monotonic()
    sc.load()
    sc.build("--full-refresh")
    print(f"\nheavy scenario: load and build {time.monotonic() - started:.0f} s")
    yield sc
    sc.drop()
    _clear_requests(sc.settings)


def test_a_person_with_100000_readings_is_forgotten_in_constant_size_statements(heavy, tmp_path):
    sc = heavy
    assert sc.count("step_trainer_trusted",
                    f"customer_id = '{forgotten.customer_id(H)}'") == READINGS
    assert sc.count("machine_learning_curated",
                    f"customer_id = '{forgotten.customer_id(H)}'") == READINGS
    keeps = _rows(sc, K)
    assert all(n > 0 for n in keeps.values()), keeps

    light = _dry_run(sc, forgotten.customer_id(L))
    (tmp_path / "heavy").mkdir()
    heavy_seconds, heavy_sent = _forget(sc, H, tmp_path / "heavy")
    print(f"\nstedi forget --execute: {READINGS:,} readings {heavy_seconds:.0f} s")
    assert heavy_seconds < FORGET_BUDGET_SECONDS, heavy_seconds

    # The same statements, the customer_id aside (same length), for 1 reading
    # and for 100,000: nothing of the readings is written into them.
    deletes = [s for s in heavy_sent if s.startswith("delete from")]
    assert len(deletes) == len(PROTECTED) + 3, heavy_sent   # + the typed landing tables
    cid_h, cid_l = forgotten.customer_id(H), forgotten.customer_id(L)
    assert [s.replace(cid_h, cid_l) for s in heavy_sent] == light, (heavy_sent, light)
    print(f"longest forget_customer statement: {_longest(light):,} bytes (1 reading),"
          f" {_longest(heavy_sent):,} bytes ({READINGS:,} readings)")

    # ... and for 1 request and 100,001 requests in the registry.
    one_request = _dry_run(sc, forgotten.customer_id(K))
    bulk = "".join(json.dumps({"customer_id": forgotten.customer_id(f"p{i}@example.com"),
                               "step_readings": []}) + "\n" for i in range(100_000))
    s3.client(sc.settings).put_object(Bucket=sc.settings.bucket,
                                      Key=lakehouse.REGISTRY_PREFIX + "bulk.json",
                                      Body=bulk.encode())
    try:
        many_requests = _dry_run(sc, forgotten.customer_id(K))
    finally:
        s3.client(sc.settings).delete_object(Bucket=sc.settings.bucket,
                                             Key=lakehouse.REGISTRY_PREFIX + "bulk.json")
    assert many_requests == one_request and len(one_request) >= len(deletes)
    print(f"longest forget_customer statement: {_longest(one_request):,} bytes with 2"
          f" requests recorded, {_longest(many_requests):,} bytes with 100,002")

    # H is gone from every table; K keeps everything.
    assert all(n == 0 for n in _rows(sc, H).values())
    assert _rows(sc, K) == keeps
    assert sc.count("step_trainer_landing_typed", "serial_number = 'serial-heavy-zq7'") == 0

    # No trace in any object of the stack (landing JSON, Parquet values,
    # Iceberg metadata and manifests) but the registry's request records,
    # and none in the catalog.
    needles = ManyNumbers(
        texts=[H.encode(), H[:16].encode(), forgotten.customer_id(H).encode(),
               forgotten.customer_id(H)[:16].encode()],
        numbers=set(H_TIMES))
    scanned, found = scan_every_object(sc.settings, needles)
    registry = f"{sc.settings.bucket}/{lakehouse.REGISTRY_KEY}"
    assert set(found) == {registry}, {k: v[:5] for k, v in found.items()}
    print(f"{scanned} objects read after the erasure; only the registry names them")
    traces = catalog_traces(sc.settings, [t.decode() for t in needles.texts]
                            + ["Heavy User"], schema_folder(sc.settings.dbt_schema))
    assert traces == {"names": [], "stale_metadata": {}}, traces
