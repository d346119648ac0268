"""An independent recount of a synthetic landing folder: the test oracle of
`stedi synth` (integration_tests/test_synth.py), kept out of the product package.

It restates the business rules in Python on purpose, as an independent check
of both the generator's bookkeeping and dbt's counts (never import it from
src/stedi).

    >>> recount(Path("target/synth"))
    {'customer_landing': 956, ...}
"""

from __future__ import annotations

import json
from pathlib import Path

from stedi.landing.synth import COUNTED


def recount(folder: Path) -> dict[str, int]:
    """The expected counts recomputed from the files alone, by the rules in words.

    Independent of the generator's bookkeeping (and of dbt): it parses every
    line, drops malformed ones, and applies the business rules over all of
    the data at once. It holds the data in memory: for checks on small N.
    """
    folder = Path(folder)
    counts = dict.fromkeys(COUNTED, 0)

    def lines(entity):
        for path in sorted((folder / entity / "landing").glob("*.json")):
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    counts[f"{entity}_landing"] += 1
                    counts[f"{entity}_landing_typed"] += 1
                    try:
                        yield json.loads(line)
                    except ValueError:
                        continue

    # Customer = trimmed, lower-cased email; current record = latest usable
    # lastUpdateDate. Deny on doubt: a record naming the email whose
    # lastUpdateDate or shareWithResearchAsOfDate is not a number, unless its
    # lastUpdateDate is a number older than the latest usable one, holds the
    # customer out; so do records tied on the latest lastUpdateDate whose
    # consent (a date, or none for null/0/absent) differs.
    def number(value):
        return isinstance(value, int) and not isinstance(value, bool)

    usable: dict[str, list[dict]] = {}
    doubtful: dict[str, list] = {}
    for rec in lines("customer"):
        if not isinstance(rec, dict) or not isinstance(rec.get("email"), str):
            continue
        key = rec["email"].strip().lower()
        if not key:
            continue
        share = rec.get("shareWithResearchAsOfDate")
        if number(rec.get("lastUpdateDate")) and (share is None or number(share)):
            usable.setdefault(key, []).append(rec)
        else:
            stamp = rec.get("lastUpdateDate")
            doubtful.setdefault(key, []).append(stamp if number(stamp) else None)
    trusted = {}
    for key in usable.keys() | doubtful.keys():
        records = usable.get(key, [])
        latest = max((r["lastUpdateDate"] for r in records), default=None)
        if any(u is None or latest is None or u >= latest for u in doubtful.get(key, [])):
            continue
        tied = [r for r in records if r["lastUpdateDate"] == latest]
        answers = {r.get("shareWithResearchAsOfDate") or 0 for r in tied}
        if len(answers) == 1 and answers != {0}:
            trusted[key] = tied[0]
    counts["customer_trusted"] = len(trusted)

    readings = set()   # distinct (customer, timestamp, x, y, z) of trusted customers
    for rec in lines("accelerometer"):
        key = rec["user"].strip().lower()
        if key in trusted:
            readings.add((key, rec["timestamp"], rec["x"], rec["y"], rec["z"]))
    counts["accelerometer_trusted"] = len(readings)
    per_customer_ts: dict[tuple[str, int], int] = {}
    for key, ts, *_ in readings:
        per_customer_ts[(key, ts)] = per_customer_ts.get((key, ts), 0) + 1
    curated = {key for key, _ in per_customer_ts}
    counts["customers_curated"] = len(curated)

    by_serial: dict[str, list[str]] = {}
    for key in curated:
        by_serial.setdefault(trusted[key]["serialNumber"], []).append(key)
    steps = {(r["serialNumber"], r["sensorReadingTime"], r["distanceFromObject"])
             for r in lines("step_trainer")}
    for serial, ts, _distance in steps:
        fits = [k for k in by_serial.get(serial, ()) if (k, ts) in per_customer_ts]
        if len(fits) == 1:
            counts["step_trainer_trusted"] += 1
            counts["machine_learning_curated"] += per_customer_ts[(fits[0], ts)]
    return counts
