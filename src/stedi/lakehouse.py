"""What the lakehouse is: its landing entities, zones, relations and catalogs.

The one place the tool, the benchmark and the tests learn which tables exist
and where they live. dbt's models and sources are what it describes, and
test_manifest.py checks that the two agree (every relation here is a source or
model in the manifest, in the schema its zone names).

    >>> qualified("customer_trusted", "stedi")
    '"iceberg"."stedi_trusted"."customer_trusted"'
    >>> [r.name for r in CURATED]
    ['customers_curated', 'machine_learning_curated']
"""

from __future__ import annotations

from dataclasses import dataclass

# The three landing datasets, in lineage order: files <entity>/landing/*.json.
ENTITIES = ("customer", "accelerometer", "step_trainer")


def landing_prefix(entity: str) -> str:
    """Where an entity's landing files live in the bucket (the landing sources' meta)."""
    return f"{entity}/landing/"


# The data zones, in lineage order. A zone is a schema: <target schema>_<zone>.
ZONES = ("landing", "trusted", "curated")
# Schemas that are not data zones: the seeds (expected row counts).
SEED_ZONE = "expectations"
# Requests to be forgotten (stedi forget): the `privacy` source, <schema>_privacy.
PRIVACY_ZONE = "privacy"
# Where `stedi forget` records the requests to be forgotten in the bucket: the
# privacy source reads every object under the prefix, a build depends on it.
REGISTRY_PREFIX = "privacy/forgotten_customers/"
# The one object holding them, one JSON line per request (appended to with a
# conditional write). Other objects under the prefix are the previous
# version's, one per request: read as well, folded into it by `stedi forget`.
REGISTRY_KEY = f"{REGISTRY_PREFIX}requests.jsonl"
# The audit views (every landing line's fate, the quarantine): <schema>_audit.
# They read every zone and feed none; they show non-consenting customers'
# lines, so the schema gets the landing schema's access, never a consumer's.
AUDIT_ZONE = "audit"
# Every schema a lakehouse with schema prefix <schema> has.
SCHEMAS = (*ZONES, AUDIT_ZONE, SEED_ZONE, PRIVACY_ZONE)
# The landing sources are Hive external tables over the JSON files; everything
# dbt builds is in the Iceberg catalog.
SOURCE_CATALOG = "hive"
MODEL_CATALOG = "iceberg"
CATALOGS = (SOURCE_CATALOG, MODEL_CATALOG)


@dataclass(frozen=True)
class Relation:
    name: str
    zone: str      # the schema is <target schema>_<zone>
    catalog: str
    entity: str    # the landing dataset it comes from (curated: the one it is about)

    def schema(self, prefix: str) -> str:
        return f"{prefix}_{self.zone}"

    def qualified(self, prefix: str) -> str:
        return f'"{self.catalog}"."{self.schema(prefix)}"."{self.name}"'


def _landing(suffix: str, catalog: str = MODEL_CATALOG,
             zone: str = "landing") -> tuple[Relation, ...]:
    return tuple(Relation(f"{e}_landing{suffix}", zone, catalog, e) for e in ENTITIES)


# The landing source tables (one per entity) and the typed landing tables.
SOURCES = _landing("", SOURCE_CATALOG)
TYPED = _landing("_typed")
# One row per customer: the current record and the consent status (a view over
# customer_landing_typed; customer_trusted keeps the consenting customers).
CURRENT = (Relation("customer_landing_current", "landing", MODEL_CATALOG, "customer"),)
TRUSTED = tuple(Relation(f"{e}_trusted", "trusted", MODEL_CATALOG, e) for e in ENTITIES)
CURATED = (Relation("customers_curated", "curated", MODEL_CATALOG, "customer"),
           Relation("machine_learning_curated", "curated", MODEL_CATALOG, "step_trainer"))
# The audit views, in the audit schema: every landing line's fate (named for
# what a row is: the outcome of one <entity> landing line), and the quarantine
# of rejected lines.
OUTCOMES = _landing("_outcome", zone=AUDIT_ZONE)
REJECTED = _landing("_rejected", zone=AUDIT_ZONE)

# What a consumer reads: the trusted and curated tables.
OUTPUTS = TRUSTED + CURATED
# The relations seeds/expected_row_counts.csv gives counts for, in lineage
# order: what `stedi build` and `stedi counts` print.
COUNTED = SOURCES + OUTPUTS
ALL = SOURCES + TYPED + CURRENT + TRUSTED + CURATED + OUTCOMES + REJECTED
_BY_NAME = {r.name: r for r in ALL}


def relation(name: str) -> Relation:
    """The relation called `name`; a KeyError naming it if the lakehouse has none."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"{name!r} is not a relation of the STEDI lakehouse") from None


def qualified(name: str, prefix: str) -> str:
    """The Trino name of relation `name` in the lakehouse with schema prefix `prefix`."""
    return relation(name).qualified(prefix)


def names(relations: tuple[Relation, ...]) -> tuple[str, ...]:
    return tuple(r.name for r in relations)
