"""Synthetic STEDI landing data at any scale, with its expected row counts.

`generate(out, scale=N, seed=S)` writes the landing layout the loader reads
(out/customer/landing/*.json, out/accelerometer/landing/*.json,
out/step_trainer/landing/*.json) at about N times the reference size (N=1:
~956 customers, ~81k accelerometer lines, ~29k step-trainer lines), and
out/expected_counts.json: the row count every landing table and model must
have under the business rules, computed here from the generator's own
bookkeeping, never by dbt.

    >>> counts = generate(Path("/tmp/synth"), scale=1, seed=42)
    >>> counts["customer_trusted"]
    ...

What it reproduces (each a rule the models must get right):
- about half the customers currently consent to research; the rest have no
  shareWithResearchAsOfDate, an explicit null, or 0;
- customers with several records (email in other case / padded with spaces)
  whose later lastUpdateDate grants or withdraws consent;
- consenting customers without any phone reading (not in customers_curated);
- serial numbers reused by two or three customers; where such customers
  have phone readings at the same timestamp, the step-trainer reading fits
  both and is dropped;
- readings of several customers at the same timestamp (copied schedules);
- 1-3 accelerometer readings per timestamp, x/y/z in {-1, 0, 1};
- re-delivered readings (exact duplicate lines, in separate files);
- step-trainer readings no phone reading matches, and serials no customer owns;
- malformed lines (a proper prefix of a JSON line: truncated), either instead
  of the line or in addition to it. The rules exclude them entirely;
- deny on doubt: a second record with the customer's latest lastUpdateDate
  that disagrees about consent (a tie), and records that name the customer
  but cannot be read (lastUpdateDate missing or text, shareWithResearchAsOfDate
  text); both hold the customer out, except an unreadable record whose
  readable lastUpdateDate is older than the current record's.

Generation streams: customers are produced one serial-number group at a time
(a group is one customer, or 2-3 consecutive customers sharing a serial), each
line is written as it is made, and the bookkeeping keeps one group in memory.
Memory is flat in N; output is deterministic for (scale, seed, offset, part).
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from stedi import lakehouse

# Size of the reference data set (per unit of scale).
REFERENCE_CUSTOMERS = 956
BASE_EPOCH_MS = 1_655_560_000_000
DAY_MS = 86_400_000

# Lines per landing file before the writer starts the next file.
LINES_PER_FILE = {"customer": 2_000, "accelerometer": 50_000, "step_trainer": 20_000}

# Shares of the quirks (probabilities per customer, record or line).
P_EXTRA_RECORDS = {2: 0.08, 3: 0.02}     # customers with 2 or 3 records
P_INITIAL_CONSENT = 0.5                  # first record grants research consent
P_CONSENT_FLIP = 0.6                     # a later record grants/withdraws consent
P_NO_PHONE = 0.03                        # customer has no accelerometer reading
P_SHARE_SERIAL = 0.04                    # customer reuses the previous customer's serial
P_SHARED_SCHEDULE = 0.5                  # ... and then overlaps its timestamps
P_COPY_SCHEDULE = 0.05                   # same timestamps as the previous customer
P_EMAIL_VARIANT_LINE = 0.03              # accelerometer `user` in another case/padded
P_REDELIVER = 0.01                       # a reading line delivered twice
# A line arrives truncated (and only so) / a truncated copy besides the good line.
# Customer records get a higher share so that small data sets have some.
P_MALFORMED_INSTEAD = {"customer": 0.01, "accelerometer": 0.001, "step_trainer": 0.001}
P_MALFORMED_EXTRA = {"customer": 0.01, "accelerometer": 0.001, "step_trainer": 0.001}
P_ORPHAN_READINGS = 0.02                 # device readings no phone reading matches
P_UNKNOWN_SERIAL = 0.01                  # readings of a serial no customer owns
P_CONSENT_TIE = 0.01                     # a twin of the latest record disagreeing on consent
P_UNREADABLE_RECORD = 0.015              # a record naming the customer that cannot be read

FIRST = ("Santosh", "Jane", "Ashley", "John", "Jason", "Neeraj", "Ben", "Craig",
         "Jaya", "Sarah", "Lyn", "Chris", "Danny", "Frank", "Liz", "Sean", "Spencer",
         "Steph", "Trevor", "Jacob", "Bobby", "Senthil", "Gail", "Eric", "Dan")
LAST = ("Clayton", "Lincoln", "Davis", "Fibonnaci", "Harris", "Staples", "Wu",
        "Olson", "Jones", "Mitra", "Hansen", "Doshi", "Anandh", "Aristotle",
        "Habschied", "Kirk", "Abram", "Khan", "Mendoza", "Smith")
# The 27 x/y/z combinations the phones report.
XYZ = tuple(
    f'"x":{x},"y":{y},"z":{z}'
    for x in ("1.0", "0.0", "-1.0") for y in ("1.0", "0.0", "-1.0") for z in ("1.0", "0.0", "-1.0")
)

# The relations the expected counts cover: landing sources, typed landing
# tables, trusted and curated tables.
COUNTED = lakehouse.names(lakehouse.SOURCES + lakehouse.TYPED + lakehouse.OUTPUTS)


class _RotatingWriter:
    """Writes lines to <dir>/<stem>-<part>-<nnnn>.json, a new file every `limit` lines."""

    def __init__(self, folder: Path, stem: str, limit: int):
        self.folder, self.stem, self.limit = folder, stem, limit
        self.handle = None
        self.files = 0
        self.lines = 0
        self._in_file = 0

    def write(self, line: str) -> None:
        if self.handle is None or self._in_file >= self.limit:
            if self.handle is not None:
                self.handle.close()
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{self.stem}-{self.files:04d}.json"
            self.handle = path.open("w", encoding="utf-8", buffering=1 << 20)
            self.files += 1
            self._in_file = 0
        self.handle.write(line)
        self._in_file += 1
        self.lines += 1

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


@dataclass
class _Customer:
    email_key: str
    consenting: bool                 # current valid record grants research consent
    exists: bool                     # at least one well-formed customer record
    timestamps: list[int]
    readings: dict[int, set[int]] = field(default_factory=dict)  # ts -> {xyz index}


@dataclass
class _Group:
    serial: str
    members: list[_Customer] = field(default_factory=list)


class _Generator:
    def __init__(self, out: Path, scale: float, seed: int, offset: int, part: str):
        self.rng = random.Random(f"stedi-synth/{seed}/{offset}/{part}")
        # The deny-on-doubt records draw from a stream of their own, so the rest
        # of the data is the same as without them.
        self.doubt_rng = random.Random(f"stedi-synth-doubt/{seed}/{offset}/{part}")
        self.out = out
        self.n_customers = max(1, round(REFERENCE_CUSTOMERS * scale))
        self.offset = offset
        self.writers = {}
        for entity, limit in LINES_PER_FILE.items():
            folder = out / entity / "landing"
            self.writers[entity] = _RotatingWriter(folder, f"{entity}-{part}", limit)
            self.writers[entity + "/redelivered"] = _RotatingWriter(
                folder, f"{entity}-{part}-redelivered", limit
            )
        self.counts = dict.fromkeys(COUNTED, 0)
        self.malformed = dict.fromkeys(lakehouse.ENTITIES, 0)
        self.redelivered = {"accelerometer": 0, "step_trainer": 0}
        # How often each rule is exercised (so a test can require that it is).
        self.quirks = dict.fromkeys((
            "customers_with_several_records", "consent_changed_by_later_record",
            "consenting_without_phone_readings", "copied_schedules",
            "shared_serial_groups", "step_readings_fitting_several_customers",
            "step_readings_fitting_no_customer", "unknown_serial_readings",
        ), 0)
        # Customers held out on doubt, by reason (see customer_landing_current).
        self.held_out = {"held_out_consent_tie": 0, "held_out_unreadable_record": 0}
        self.unreadable_but_older = 0   # unreadable records that hold nobody out

    # -- writing --------------------------------------------------------------

    def _truncated(self, line: str, rng: random.Random) -> str:
        body = line.rstrip("\n")
        cut = body[: rng.randrange(1, len(body))]
        return cut + "\n"

    def _emit(self, entity: str, line: str, redeliverable: bool = True,
              rng: random.Random | None = None) -> bool:
        """Write a line with the usual accidents; True when a good copy landed."""
        rng = rng or self.rng
        r = rng.random()
        writer = self.writers[entity]
        instead, extra = P_MALFORMED_INSTEAD[entity], P_MALFORMED_EXTRA[entity]
        if r < instead:
            writer.write(self._truncated(line, rng))
            self.malformed[entity] += 1
            return False
        writer.write(line)
        if r < instead + extra:
            writer.write(self._truncated(line, rng))
            self.malformed[entity] += 1
        elif redeliverable and r > 1 - P_REDELIVER:
            self.writers[entity + "/redelivered"].write(line)
            self.redelivered[entity] += 1
        return True

    # -- one customer ---------------------------------------------------------

    def _serial(self) -> str:
        g = self.rng.getrandbits(128)
        h = f"{g:032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"

    def _email_variant(self, email: str) -> str:
        kind = self.rng.randrange(3)
        if kind == 0:
            return email.upper()
        if kind == 1:
            return f"  {email} "
        return email.lower()

    def _schedule(self, previous: _Customer | None, shares_serial: bool) -> list[int]:
        rng = self.rng
        n = rng.randint(20, 40)
        if previous is not None and previous.timestamps:
            prev = previous.timestamps
            spacing = prev[1] - prev[0] if len(prev) > 1 else 3_933
            if shares_serial and rng.random() < P_SHARED_SCHEDULE:
                start = prev[rng.randrange(len(prev))]      # overlaps the tail
                return [start + k * spacing for k in range(n)]
            if rng.random() < P_COPY_SCHEDULE:
                self.quirks["copied_schedules"] += 1
                return list(prev)                           # same timestamps
        spacing = rng.randint(1_000, 5_000)
        start = BASE_EPOCH_MS + rng.randrange(0, 30 * DAY_MS, 7)
        return [start + k * spacing for k in range(n)]

    def _customer(self, index: int, serial: str, previous: _Customer | None,
                  shares_serial: bool) -> _Customer:
        rng = self.rng
        first, last = FIRST[rng.randrange(len(FIRST))], LAST[rng.randrange(len(LAST))]
        email = f"{first}.{last}{index}@test.com"
        email_key = email.strip().lower()
        phone = f"801555{rng.randrange(10_000):04d}"
        birthday = f"{rng.randint(1940, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        registered = BASE_EPOCH_MS - rng.randrange(0, 365 * DAY_MS)

        r = rng.random()
        n_records = 3 if r < P_EXTRA_RECORDS[3] else 2 if r < sum(P_EXTRA_RECORDS.values()) else 1
        consent = rng.random() < P_INITIAL_CONSENT
        first_consent = consent
        if n_records > 1:
            self.quirks["customers_with_several_records"] += 1
        updated = registered
        usable: list[tuple[int, int]] = []     # landed readable records: (updated, consent)
        unreadable: list[int | None] = []      # landed unreadable records: updated or None

        def record(updated, consent, email_text, rng=rng):
            rec = {
                "customerName": f"{first} {last}",
                "email": email_text,
                "phone": phone,
                "birthDay": birthday,
                "serialNumber": serial,
                "registrationDate": registered,
                "lastUpdateDate": updated,
            }
            if consent:
                rec["shareWithResearchAsOfDate"] = consent
            else:
                no = rng.randrange(3)   # absent, explicit null, or 0
                if no == 1:
                    rec["shareWithResearchAsOfDate"] = None
                elif no == 2:
                    rec["shareWithResearchAsOfDate"] = 0
            if rng.random() < 0.5:
                rec["shareWithPublicAsOfDate"] = updated
            if rng.random() < 0.5:
                rec["shareWithFriendsAsOfDate"] = updated
            return rec

        def emit(rec, readable=True, rng=rng):
            line = json.dumps(rec, separators=(",", ":")) + "\n"
            if self._emit("customer", line, redeliverable=False, rng=rng):
                if readable:
                    usable.append((rec["lastUpdateDate"],
                                   rec.get("shareWithResearchAsOfDate") or 0))
                else:
                    stamp = rec.get("lastUpdateDate")
                    unreadable.append(stamp if isinstance(stamp, int) else None)

        for j in range(n_records):
            if j:
                updated += rng.randint(1, 10 * DAY_MS)      # strictly later
                if rng.random() < P_CONSENT_FLIP:
                    consent = not consent
            variant = email if j == 0 or rng.random() < 0.5 else self._email_variant(email)
            emit(record(updated, updated if consent else 0, variant))
        doubt = self.doubt_rng
        if doubt.random() < P_CONSENT_TIE:
            # Same lastUpdateDate as the latest record, another consent answer.
            other = 0 if consent else updated
            if consent and doubt.random() < 0.5:
                other = updated - doubt.randint(1, DAY_MS)    # a different date
            emit(record(updated, other, email, rng=doubt), rng=doubt)
        if doubt.random() < P_UNREADABLE_RECORD:
            rec = record(updated + doubt.randint(1, DAY_MS), 0, email.upper(), rng=doubt)
            kind = doubt.randrange(4)
            if kind == 0:
                del rec["lastUpdateDate"]
            elif kind == 1:
                rec["lastUpdateDate"] = "2022-06-18"
            else:
                rec["shareWithResearchAsOfDate"] = "yes"
                if kind == 3:   # readable and older than the current record: no doubt
                    rec["lastUpdateDate"] = registered - DAY_MS
            emit(rec, readable=False, rng=doubt)

        # The rules (customer_landing_current): latest usable record is current;
        # an unreadable record not provably older, or a disagreeing tie, holds out.
        latest = max((u for u, _ in usable), default=None)
        status = None
        if any(u is None or latest is None or u >= latest for u in unreadable):
            status = "held_out_unreadable_record"
        elif latest is not None and len({c for u, c in usable if u == latest}) > 1:
            status = "held_out_consent_tie"
        if status:
            self.held_out[status] += 1
        elif unreadable:
            self.unreadable_but_older += 1
        current_valid_consent = None
        if usable and status is None:
            current_valid_consent = bool(next(c for u, c in usable if u == latest))
        if consent != first_consent:
            self.quirks["consent_changed_by_later_record"] += 1
        customer = _Customer(
            email_key=email_key,
            consenting=bool(current_valid_consent),
            exists=current_valid_consent is not None,
            timestamps=self._schedule(previous, shares_serial),
        )
        if rng.random() >= P_NO_PHONE:
            self._phone_readings(customer, email)
        elif customer.consenting:
            self.quirks["consenting_without_phone_readings"] += 1
        return customer

    def _phone_readings(self, customer: _Customer, email: str) -> None:
        rng = self.rng
        for ts in customer.timestamps:
            r = rng.random()
            per_ts = 1 if r < 0.01 else 2 if r < 0.17 else 3
            for _ in range(per_ts):
                k = rng.randrange(27)
                user = email
                if rng.random() < P_EMAIL_VARIANT_LINE:
                    user = self._email_variant(email)
                line = f'{{"user":"{user}","timestamp":{ts},{XYZ[k]}}}\n'
                if self._emit("accelerometer", line):
                    customer.readings.setdefault(ts, set()).add(k)

    # -- one serial-number group ---------------------------------------------

    def _step_line(self, serial: str, ts: int) -> str:
        distance = self.rng.randint(180, 320)
        return f'{{"sensorReadingTime":{ts},"serialNumber":"{serial}","distanceFromObject":{distance}}}\n'

    def _close_group(self, group: _Group) -> None:
        rng = self.rng
        # The device's readings: one per timestamp of any of its customers.
        device_ts = sorted({ts for m in group.members for ts in m.timestamps})
        if rng.random() < P_ORPHAN_READINGS:   # readings without a phone beside them
            device_ts += [ts + 1 for ts in device_ts[: rng.randint(1, 5)]]
        good: set[tuple[int, str]] = set()
        for ts in device_ts:
            line = self._step_line(group.serial, ts)
            if self._emit("step_trainer", line):
                good.add((ts, line))
        if rng.random() < P_UNKNOWN_SERIAL:
            stray = self._serial()
            for ts in device_ts[:5]:
                self._emit("step_trainer", self._step_line(stray, ts))
                self.quirks["unknown_serial_readings"] += 1
        if len(group.members) > 1:
            self.quirks["shared_serial_groups"] += 1

        # Bookkeeping under the business rules.
        c = self.counts
        curated = []
        for m in group.members:
            if not m.consenting:
                continue
            c["customer_trusted"] += 1
            c["accelerometer_trusted"] += sum(len(v) for v in m.readings.values())
            if m.readings:
                c["customers_curated"] += 1
                curated.append(m)
        for ts, _line in good:       # distinct (serial, time, distance) readings
            fits = [m for m in curated if ts in m.readings]
            if len(fits) > 1:
                self.quirks["step_readings_fitting_several_customers"] += 1
            elif not fits:
                self.quirks["step_readings_fitting_no_customer"] += 1
            if len(fits) == 1:
                c["step_trainer_trusted"] += 1
                c["machine_learning_curated"] += len(fits[0].readings[ts])

    def run(self) -> dict:
        group: _Group | None = None
        previous: _Customer | None = None
        for i in range(self.n_customers):
            index = self.offset + i
            shares = (
                group is not None and len(group.members) < 3
                and self.rng.random() < P_SHARE_SERIAL
            )
            if not shares:
                if group is not None:
                    self._close_group(group)
                group = _Group(serial=self._serial())
            previous = self._customer(index, group.serial, previous, shares)
            group.members.append(previous)
        if group is not None:
            self._close_group(group)
        for w in self.writers.values():
            w.close()
        c = self.counts
        for entity in lakehouse.ENTITIES:
            lines = self.writers[entity].lines + self.writers[entity + "/redelivered"].lines
            c[f"{entity}_landing"] = lines
            c[f"{entity}_landing_typed"] = lines
        return c


def generate(out: Path, scale: float = 1.0, seed: int = 42, *, offset: int = 0,
             part: str = "p0") -> dict[str, int]:
    """Write landing data and out/expected_counts.json; returns the expected counts.

    `offset` numbers customers from there (so a second part, e.g. 1% more data
    with offset=10**9 and part="delta", adds new customers), and the expected
    counts of two parts with disjoint offsets add up.
    """
    out = Path(out)
    start = time.monotonic()
    gen = _Generator(out, scale, seed, offset, part)
    counts = gen.run()
    files = {e: gen.writers[e].files + gen.writers[e + "/redelivered"].files
             for e in LINES_PER_FILE}
    report = {
        "scale": scale, "seed": seed, "offset": offset, "part": part,
        "customers": gen.n_customers,
        "counts": counts,
        "excluded_malformed_lines": gen.malformed,
        "redelivered_lines": gen.redelivered,
        "quirks": gen.quirks,
        "held_out_customers": gen.held_out,
        "unreadable_records_older_than_current": gen.unreadable_but_older,
        "files": files,
        "seconds": round(time.monotonic() - start, 2),
    }
    (out / "expected_counts.json").write_text(json.dumps(report, indent=2) + "\n")
    return counts


def add_counts(*reports: dict[str, int]) -> dict[str, int]:
    """Expected counts of several parts loaded together (disjoint offsets)."""
    total = dict.fromkeys(COUNTED, 0)
    for counts in reports:
        for name in COUNTED:
            total[name] += counts[name]
    return total
