"""Whose lines a landing file must not hold: the requests to be forgotten.

`stedi forget` records each request as one JSON line of the registry, one
object (REGISTRY_KEY, appended to with a conditional write: record_request), and
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
import random
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache

from botocore.exceptions import ClientError

from stedi import s3
from stedi.errors import StackError
from stedi.lakehouse import REGISTRY_KEY, REGISTRY_PREFIX
from stedi.settings import Settings

# The email-like words of a line (lower-cased), as is_forgotten_customer reads them.
EMAIL_WORD = re.compile(rb"[a-z0-9._%+-]+@[a-z0-9.-]+")
# Lines as both engines split them: \n, \r\n or a lone \r ends a line.
LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# The JSON key that names the customer, per landing entity.
EMAIL_KEY = {"customer": "email", "accelerometer": "user"}
HEX64 = re.compile(r"[0-9A-F]{64}")
# How many times record_request re-reads the registry after losing a race.
ATTEMPTS = 30


@lru_cache(maxsize=1 << 16)
def customer_id(email_key: str) -> str:
    """The SHA-256 of the normalised email: the models' customer_id."""
    return hashlib.sha256(email_key.encode()).hexdigest().upper()


def step_reading_id(serial_number: str, epoch_ms: int) -> str:
    """A Step Trainer reading, as a request records it (a hash, not the values)."""
    return hashlib.sha256(f"{serial_number}|{int(epoch_ms)}".encode()).hexdigest().upper()


def requests_of(body: bytes) -> dict[bytes, str]:
    """Every line of an object that is a request (a JSON object with a 64-hex
    customer_id) -> its customer_id; as in SQL, any other line names nobody."""
    found: dict[bytes, str] = {}
    for line in body.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            cid = str(record.get("customer_id", "")).upper()
            if HEX64.fullmatch(cid):
                found[line] = cid
    return found


def read_registry(settings: Settings, client=None) -> tuple[bytes, str | None, dict[str, bytes]]:
    """The registry object (its bytes and ETag, None when there is none yet)
    and every other object under the prefix (the previous version's, one per
    request). The other objects are read first and the registry last: one
    deleted meanwhile was folded in before it was deleted (record_request),
    so its requests are in the registry as read."""
    client = client or s3.client(settings)
    legacy = {}
    for key in s3.list_keys(settings, REGISTRY_PREFIX, client):
        if key != REGISTRY_KEY and (found := s3.get_or_none(client, settings.bucket, key)) is not None:
            legacy[key] = found[0]
    found = s3.get_or_none(client, settings.bucket, REGISTRY_KEY)
    body, etag = found if found is not None else (b"", None)
    return body, etag, legacy


def _delete_every_version(client, bucket: str, key: str, versioned: bool) -> None:
    if versioned:
        listing = client.list_object_versions(Bucket=bucket, Prefix=key)
        for version in [*listing.get("Versions", []), *listing.get("DeleteMarkers", [])]:
            if version["Key"] == key:
                client.delete_object(Bucket=bucket, Key=key, VersionId=version["VersionId"])
    else:
        client.delete_object(Bucket=bucket, Key=key)


def record_request(settings: Settings, record: dict, client=None) -> bool:
    """Append `record` (a request: hashes and a time, never an email) to the
    registry object unless its customer_id is there already, folding in the
    requests of the previous version's per-request objects; then delete those
    objects (every version, in a versioned bucket). The write is conditional on
    the registry as read (If-Match its ETag; If-None-Match: * when creating it),
    so a request written meanwhile by another writer (another lakehouse in the
    bucket, a script) is never lost: the write fails, and it reads again.
    Returns whether `record` was new."""
    client = client or s3.client(settings)
    cid = str(record["customer_id"]).upper()
    for _ in range(ATTEMPTS):
        body, etag, legacy = read_registry(settings, client)
        present = requests_of(body)
        lines = []
        for data in legacy.values():      # their requests, each line once
            for line, other in requests_of(data).items():
                if line not in present:
                    present[line] = other
                    lines.append(line + b"\n")
        new = cid not in present.values()
        if new:
            lines.append((json.dumps(record) + "\n").encode())
        if lines:
            prefix = body if not body or body.endswith(b"\n") else body + b"\n"
            condition = {"IfMatch": etag} if etag else {"IfNoneMatch": "*"}
            try:
                client.put_object(Bucket=settings.bucket, Key=REGISTRY_KEY,
                                  Body=prefix + b"".join(lines), **condition)
            except ClientError as error:
                if s3.error_code(error) not in s3.CONFLICT:
                    raise
                time.sleep(random.uniform(0.05, 0.5))   # another writer won: read again
                continue
        if legacy:   # only now: every one of their requests is in the registry
            versioned = bool(client.get_bucket_versioning(
                Bucket=settings.bucket).get("Status"))
            for key in legacy:
                _delete_every_version(client, settings.bucket, key, versioned)
        return new
    raise StackError(f"forget: the registry s3://{settings.bucket}/{REGISTRY_KEY} changed "
                     f"under each of {ATTEMPTS} writes; the request was not recorded")


@dataclass(frozen=True)
class Screen:
    customers: frozenset[str] = field(default_factory=frozenset)
    step_readings: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_registry(cls, settings: Settings, client=None) -> Screen:
        """Every request in the lake's registry: every JSON line of every object
        under the prefix, as the `privacy` source reads them (the registry
        object, and any per-request object of the previous version not yet
        folded in). A line that is no request (not JSON, no 64-hex
        customer_id) names nobody, as in SQL. client: the bucket's S3 client
        (default: the local stack's)."""
        body, _, legacy = read_registry(settings, client)
        customers, steps = set(), set()
        for data in (*legacy.values(), body):
            for line, cid in requests_of(data).items():
                customers.add(cid)
                steps.update(str(s).upper() for s in json.loads(line).get("step_readings") or [])
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
