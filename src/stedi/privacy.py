"""Whose lines a landing file must not hold: the requests to be forgotten.

`stedi forget` records each request as one object under REGISTRY_PREFIX and
rewrites the landing objects without the person's lines; the loader screens
every file it uploads with the same rule (`Screen.apply`), so loading a local
folder that still holds a forgotten person's lines never brings them back.
The typed landing models apply the rule in SQL (macros/is_forgotten_customer.sql):
this is the same rule for bytes, restated on purpose for the files.

A line is a forgotten person's when
- it is a customer record or a phone reading whose email (trimmed,
  lower-cased) hashes to a request's customer_id, or any line of those files
  with an email-like word of its text that does (a truncated line, say);
- it is a Step Trainer reading (serial number, time) that was attributed to
  them when they asked (kept in the request as a hash, never in clear).

    >>> screen = Screen.from_registry(settings)
    >>> kept, removed = screen.apply("accelerometer", data)
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from stedi import s3
from stedi.lakehouse import REGISTRY_PREFIX
from stedi.settings import Settings

# The email-like words of a line (lower-cased), as is_forgotten_customer reads them.
EMAIL_WORD = re.compile(rb"[a-z0-9._%+-]+@[a-z0-9.-]+")
# Lines as both engines split them: \n, \r\n or a lone \r ends a line.
LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# The JSON key that names the customer, per landing entity.
EMAIL_KEY = {"customer": "email", "accelerometer": "user"}
HEX64 = re.compile(r"[0-9A-F]{64}")


@lru_cache(maxsize=1 << 16)
def customer_id(email_key: str) -> str:
    """The SHA-256 of the normalised email: the models' customer_id."""
    return hashlib.sha256(email_key.encode()).hexdigest().upper()


def step_reading_id(serial_number: str, epoch_ms: int) -> str:
    """A Step Trainer reading, as a request records it (a hash, not the values)."""
    return hashlib.sha256(f"{serial_number}|{int(epoch_ms)}".encode()).hexdigest().upper()


def registry_key(cid: str) -> str:
    return f"{REGISTRY_PREFIX}{cid}.json"


@dataclass(frozen=True)
class Screen:
    customers: frozenset[str] = field(default_factory=frozenset)
    step_readings: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_registry(cls, settings: Settings) -> Screen:
        """Every request in the lake's registry: every JSON line of every object
        under the prefix, as the `privacy` source reads them (`stedi forget`
        writes one object per request, one line each). A line that is no
        request (not JSON, no 64-hex customer_id) names nobody, as in SQL."""
        client = s3.client(settings)
        customers, steps = set(), set()
        for key in s3.list_keys(settings, REGISTRY_PREFIX):
            body = client.get_object(Bucket=settings.bucket, Key=key)["Body"].read()
            for line in body.splitlines():
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(record, dict):
                    continue
                cid = str(record.get("customer_id", "")).upper()
                if HEX64.fullmatch(cid):
                    customers.add(cid)
                    steps.update(str(s).upper() for s in record.get("step_readings") or [])
        return cls(frozenset(customers), frozenset(steps))

    def __bool__(self) -> bool:
        return bool(self.customers or self.step_readings)

    def names(self, entity: str, line: bytes) -> bool:
        """Is this landing line (of `entity`) a forgotten person's?"""
        body = line.rstrip(b"\r\n")
        try:
            doc = json.loads(body) if b"\x01" not in body else None
        except ValueError:
            doc = None
        if entity == "step_trainer":
            return isinstance(doc, dict) and self._step(doc) in self.step_readings
        value = doc.get(EMAIL_KEY[entity]) if isinstance(doc, dict) else None
        if isinstance(value, str) and customer_id(value.strip().lower()) in self.customers:
            return True
        return any(customer_id(word.decode()) in self.customers
                   for word in EMAIL_WORD.findall(body.lower()))

    @staticmethod
    def _step(doc: dict) -> str | None:
        """The reading's id as the typed table reads its fields (a number where
        a string belongs, or digits in a string where a number belongs, cast)."""
        serial, ms = doc.get("serialNumber"), doc.get("sensorReadingTime")
        if isinstance(serial, int) and not isinstance(serial, bool):
            serial = str(serial)
        if isinstance(ms, str) and ms.strip().lstrip("-").isdigit():
            ms = int(ms.strip())
        if not isinstance(serial, str) or not isinstance(ms, int) or isinstance(ms, bool):
            return None
        return step_reading_id(serial, ms)

    def apply(self, entity: str, data: bytes) -> tuple[bytes, int]:
        """The file without the forgotten people's lines (every other line byte
        for byte as it was), and how many lines were removed."""
        if not self:
            return data, 0
        kept, removed = [], 0
        for match in LINE.finditer(data):
            line = match.group(0)
            if self.names(entity, line):
                removed += 1
            else:
                kept.append(line)
        return (b"".join(kept), removed) if removed else (data, 0)
