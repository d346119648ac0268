"""CI checks over the Athena target's manifest (offline, no AWS credentials).

dbt-athena deletes the S3 data at a table's location before it writes there,
and drops a table's data with the table: a model whose location overlaps the
landing files, or another model's, destroys data (dbt-labs/dbt-athena#776).
So every table this project builds on Athena must live in its own prefix,
s3://<bucket>/<entity>/<zone>/<table>/, disjoint from every landing prefix and
from every other table's; and no model may share a relation name with a source.

Also here, from the same manifest: documentation coverage, PII marking, the
exposure, curated contracts, and the lineage landing -> trusted -> curated.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import jinja2
import pytest
import yaml
from conftest import ATHENA_ENV, REPO_ROOT

from stedi import lakehouse

BUCKET = ATHENA_ENV["STEDI_BUCKET"]


# --------------------------------------------------------------------------- #
# Where dbt-athena puts a table: the prefix it may delete.
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Footprint:
    owner: str   # unique_id, or "landing:<table>"
    prefix: str  # s3://bucket/a/b/ (always ends with "/")


def _norm(uri: str) -> str:
    return uri.rstrip("/") + "/"


def athena_profile_target() -> dict:
    """The athena output of profiles.yml.example, rendered like dbt does."""
    raw = yaml.safe_load((REPO_ROOT / "profiles.yml.example").read_text())
    out = raw["stedi"]["outputs"]["athena"]
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)

    def env_var(name, default=None):
        value = ATHENA_ENV.get(name, default)
        if value is None:
            raise KeyError(name)
        return value

    return {k: env.from_string(v).render(env_var=env_var) if isinstance(v, str) else v
            for k, v in out.items()}


def table_footprint(node: dict, target: dict) -> Footprint:
    """Mirror of dbt-athena's generate_s3_location (impl.py), without the uuid:
    the prefix that holds every build of this table, and its `__ha`/`__bkp`
    swap copies (same s3_path_table_part)."""
    config = node["config"]
    if config.get("external_location"):
        return Footprint(node["unique_id"], _norm(config["external_location"]))
    data_dir = config.get("s3_data_dir") or target.get("s3_data_dir") or (
        target["s3_staging_dir"].rstrip("/") + "/tables")
    naming = config.get("s3_data_naming") or target.get("s3_data_naming", "table_unique")
    table = node.get("alias") or node["name"]
    parts = {
        "unique": [],
        "table": [table],
        "table_unique": [table],
        "schema_table": [node["schema"], table],
        "schema_table_unique": [node["schema"], table],
    }[naming]
    return Footprint(node["unique_id"], _norm("/".join([data_dir.rstrip("/"), *parts])))


def overlaps(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def find_overlaps(footprints: list[Footprint]) -> list[tuple[Footprint, Footprint]]:
    return [
        (a, b)
        for i, a in enumerate(footprints)
        for b in footprints[i + 1:]
        if overlaps(a.prefix, b.prefix)
    ]


def landing_footprints(manifest: dict) -> list[Footprint]:
    """The LOCATIONs of the landing DDL dbt would run on Athena (compiled hook)."""
    hooks = [n for n in manifest["nodes"].values() if n["resource_type"] == "operation"]
    ddl = "\n".join(n["compiled_code"] for n in hooks)
    found = re.findall(r"create external table if not exists `[^`]+`\.`([^`]+)`"
                       r".*?location '([^']+)'", ddl, flags=re.DOTALL | re.IGNORECASE)
    return [Footprint(f"landing:{table}", _norm(loc)) for table, loc in found]


def athena_tables(manifest: dict) -> list[dict]:
    """Every node that dbt-athena writes to S3: table/incremental models, seeds."""
    return [
        n for n in manifest["nodes"].values()
        if (n["resource_type"] == "model"
            and n["config"]["materialized"] in ("table", "incremental"))
        or n["resource_type"] == "seed"
    ]


# --------------------------------------------------------------------------- #
# Locations
# --------------------------------------------------------------------------- #
def test_overlap_check_catches_a_colliding_location():
    """The checker itself: a model at s3://b/customer/ would delete landing."""
    landing = Footprint("landing:customer_landing", "s3://b/customer/landing/")
    bad = Footprint("model.x.customer", "s3://b/customer/")
    sibling = Footprint("model.x.customer_landing2", "s3://b/customer/landing2/")
    assert find_overlaps([landing, bad]) == [(landing, bad)]
    assert find_overlaps([landing, sibling]) == []


def test_landing_ddl_declares_every_landing_source(athena_compiled):
    """The landing tables, and the privacy source (requests to be forgotten),
    each at s3://<bucket>/<its meta.landing_prefix>/: <entity>/landing/ for landing."""
    manifest = athena_compiled.manifest
    sources = {s["name"]: s for s in manifest["sources"].values()
               if s["source_name"] in ("landing", "privacy")}
    landing = landing_footprints(manifest)
    assert {f.owner.split(":", 1)[1] for f in landing} == set(sources)
    for footprint in landing:
        source = sources[footprint.owner.split(":", 1)[1]]
        if source["source_name"] == "landing":
            entity = source["name"].removesuffix("_landing")
            # the loader's prefix (stedi load, lakehouse.landing_prefix) is the source's
            assert source["meta"]["landing_prefix"] + "/" == lakehouse.landing_prefix(entity)
        assert footprint.prefix == f"s3://{BUCKET}/{source['meta']['landing_prefix']}/"


def test_no_table_location_overlaps_landing_or_another_table(athena_compiled):
    manifest = athena_compiled.manifest
    target = athena_profile_target()
    tables = [table_footprint(n, target) for n in athena_tables(manifest)]
    landing = landing_footprints(manifest)
    assert len(tables) >= 6 and len(landing) == 4  # 3 landing tables + forget requests
    collisions = find_overlaps(landing + tables)
    assert not collisions, "\n".join(f"{a.owner} {a.prefix} <-> {b.owner} {b.prefix}"
                                     for a, b in collisions)
    # The query-results location is not inside the lake either.
    results = _norm(target["s3_staging_dir"])
    assert not [f for f in landing + tables if overlaps(f.prefix, results)]


def test_zone_tables_live_under_bucket_entity_zone(athena_compiled):
    """s3://<bucket>/<entity>/<zone>/<table>/, zone = the model's folder
    (landing_typed for the typed landing tables, beside the landing prefix),
    the entity = the start of the model's name; Iceberg with a unique location."""
    target = athena_profile_target()
    models = [n for n in athena_tables(athena_compiled.manifest)
              if n["resource_type"] == "model"]
    assert {n["name"] for n in models} >= set(lakehouse.names(lakehouse.TYPED
                                                              + lakehouse.OUTPUTS))
    for node in models:
        zone = {"landing": "landing_typed", "trusted": "trusted",
                "curated": "curated"}[node["fqn"][1]]
        config = node["config"]
        assert config["table_type"] == "iceberg", node["unique_id"]
        assert "unique" in config["s3_data_naming"], node["unique_id"]
        assert not config.get("external_location"), node["unique_id"]
        prefix = table_footprint(node, target).prefix
        match = re.fullmatch(rf"s3://{BUCKET}/([a-z_]+)/{zone}/{node['alias']}/", prefix)
        assert match, f"{node['unique_id']}: {prefix} is not s3://{BUCKET}/<entity>/{zone}/<table>/"
        assert node["name"].startswith(match.group(1)), (node["name"], match.group(1))


def test_no_model_relation_shares_a_source_name(athena_compiled):
    """A model named like a Glue table dbt did not create replaces it, data and all."""
    manifest = athena_compiled.manifest
    sources = {(s["schema"].lower(), s["identifier"].lower())
               for s in manifest["sources"].values()}
    models = {(n["schema"].lower(), n["alias"].lower()): n["unique_id"]
              for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed")}
    assert not sources & set(models), [models[k] for k in sources & set(models)]


# --------------------------------------------------------------------------- #
# Documentation
# --------------------------------------------------------------------------- #
def _models(manifest: dict) -> list[dict]:
    return [n for n in manifest["nodes"].values()
            if n["resource_type"] == "model" and n["package_name"] == "stedi"]


def test_every_source_model_and_column_is_described(athena_compiled):
    manifest = athena_compiled.manifest
    missing = []
    for node in [*manifest["sources"].values(), *_models(manifest)]:
        if not node["description"].strip():
            missing.append(node["unique_id"])
        if not node["columns"]:
            missing.append(f"{node['unique_id']}: no columns documented")
        missing += [f"{node['unique_id']}.{c}" for c, col in node["columns"].items()
                    if not col["description"].strip()]
    assert not missing, missing


def test_overview_page_is_overridden(athena_compiled):
    docs = athena_compiled.manifest["docs"]
    assert "doc.stedi.__overview__" in docs
    assert "landing" in docs["doc.stedi.__overview__"]["block_contents"]


# Direct identifiers: wherever a column of this name appears, it is PII.
PII_COLUMNS = {"email", "customer_name", "phone", "birth_day"}


def _pii(column: dict) -> bool:
    return bool((column.get("config") or {}).get("meta", {}).get("pii")
                or column.get("meta", {}).get("pii"))


def test_pii_columns_are_marked_and_absent_from_ml_data(athena_compiled):
    """Offline, from the declarations: every identifier column is marked pii and the
    ML model declares none (the other two checks of the ML data, on built tables,
    are named in test_security.py's test_no_column_marked_pii_reaches_...)."""
    manifest = athena_compiled.manifest
    unmarked = []
    for node in [*manifest["sources"].values(), *_models(manifest)]:
        for name, column in node["columns"].items():
            if name in PII_COLUMNS and not _pii(column):
                unmarked.append(f"{node['unique_id']}.{name}")
    # A landing file with PII has its raw line marked, and only then.
    for source in manifest["sources"].values():
        contains_pii = source["meta"]["contains_pii"]
        assert _pii(source["columns"]["raw_line"]) == contains_pii, source["unique_id"]
    assert not unmarked, unmarked
    ml = manifest["nodes"]["model.stedi.machine_learning_curated"]
    assert not [c for c, col in ml["columns"].items() if _pii(col) or c in PII_COLUMNS]


def test_ml_training_exposure_consumes_machine_learning_curated(athena_compiled):
    manifest = athena_compiled.manifest
    exposures = [e for e in manifest["exposures"].values() if e["type"] == "ml"]
    assert exposures, "no exposure of type ml"
    exposure = exposures[0]
    assert exposure["depends_on"]["nodes"] == ["model.stedi.machine_learning_curated"]
    assert exposure["owner"].get("name") or exposure["owner"].get("email")
    assert exposure["description"].strip()


def test_curated_models_have_enforced_contracts_with_types(athena_compiled):
    for node in _models(athena_compiled.manifest):
        if node["fqn"][1] != "curated":
            continue
        assert node["config"]["contract"]["enforced"] is True, node["unique_id"]
        untyped = [c for c, col in node["columns"].items() if not col.get("data_type")]
        assert not untyped, (node["unique_id"], untyped)


# --------------------------------------------------------------------------- #
# Lineage: landing -> trusted -> curated
# --------------------------------------------------------------------------- #
def _zone(manifest: dict, unique_id: str) -> str:
    if unique_id.startswith("source."):
        return "source"
    node = manifest["nodes"].get(unique_id) or {}
    return node["fqn"][1] if node.get("resource_type") == "model" else node.get(
        "resource_type", "?")


def _edges(manifest: dict) -> set[tuple[str, str]]:
    return {(parent.split(".")[-1], child.split(".")[-1])
            for child, parents in manifest["parent_map"].items()
            if child.startswith("model.")
            for parent in parents}


# Edges that go against the zone order, each with the reason it is allowed.
ZONE_ORDER_EXCEPTIONS = {
    ("customers_curated", "step_trainer_trusted"):
        "the project brief defines step_trainer_trusted as readings of "
        "customers_curated customers (those with accelerometer data)",
}


def test_lineage_edges_run_landing_to_trusted_to_curated(athena_compiled):
    manifest = athena_compiled.manifest
    edges = _edges(manifest)
    for chain in [
        ("customer_landing", "customer_landing_typed", "customer_landing_current", "customer_trusted",
         "customers_curated"),
        ("accelerometer_landing", "accelerometer_landing_typed", "accelerometer_trusted",
         "machine_learning_curated"),
        ("step_trainer_landing", "step_trainer_landing_typed", "step_trainer_trusted",
         "machine_learning_curated"),
        ("customer_trusted", "accelerometer_trusted"),
    ]:
        for edge in itertools.pairwise(chain):
            assert edge in edges, f"missing lineage edge {edge[0]} -> {edge[1]}"

    # audit models (every landing line's fate) read all zones and feed none.
    order = {"source": 0, "landing": 1, "trusted": 2, "curated": 3, "audit": 4}
    for child, parents in manifest["parent_map"].items():
        if not child.startswith("model."):
            continue
        child_zone = _zone(manifest, child)
        for parent in parents:
            parent_zone = _zone(manifest, parent)
            edge = (parent.split(".")[-1], child.split(".")[-1])
            # Only typed landing tables read sources; every edge goes forward in zones.
            if parent_zone == "source":
                assert child_zone == "landing", edge
            elif order[parent_zone] > order[child_zone]:
                assert edge in ZONE_ORDER_EXCEPTIONS, f"backward edge {edge}"


@pytest.mark.parametrize("source", lakehouse.names(lakehouse.SOURCES))
def test_each_landing_source_feeds_exactly_one_typed_landing_table(athena_compiled, source):
    children = athena_compiled.manifest["child_map"][f"source.stedi.landing.{source}"]
    models = [c for c in children if c.startswith("model.")]
    assert models == [f"model.stedi.{source}_typed"]


def test_manifest_was_compiled_for_athena(athena_compiled):
    assert athena_compiled.manifest["metadata"]["adapter_type"] == "athena"


def test_the_lakehouse_module_describes_the_dbt_project(athena_compiled):
    """src/stedi/lakehouse.py (what the tool and the tests know of the lakehouse)
    and dbt's manifest name the same landing sources and models, each in the schema
    <target schema>_<zone> its zone names."""
    manifest = athena_compiled.manifest
    in_dbt = {s["name"]: s["schema"] for s in manifest["sources"].values()
              if s["source_name"] == "landing"}
    in_dbt.update({n["name"]: n["schema"] for n in _models(manifest)})
    described = {r.name: r for r in lakehouse.ALL}
    assert set(in_dbt) == set(described), (
        "add the relation to (or drop it from) src/stedi/lakehouse.py: "
        f"{sorted(set(in_dbt) ^ set(described))}")
    prefix = in_dbt["customer_trusted"].removesuffix("_trusted")
    for name, rel in described.items():
        assert in_dbt[name] == rel.schema(prefix), name


def test_every_model_tests_its_key_or_says_why(athena_compiled):
    """dbt-project-evaluator's rule: every model has a primary-key test (unique and
    not_null on one column), or its config says why it has none
    (meta.no_primary_key, set per folder in dbt_project.yml)."""
    manifest = athena_compiled.manifest
    tests: dict[tuple[str, str], set[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and node.get("column_name"):
            key = (node.get("attached_node") or "", node["column_name"])
            tests.setdefault(key, set()).add((node.get("test_metadata") or {}).get("name"))
    unkeyed, wrong_reason = [], []
    for model in _models(manifest):
        keyed = any(uid == model["unique_id"] and {"unique", "not_null"} <= names
                    for (uid, _), names in tests.items())
        meta = {**model.get("meta", {}), **(model["config"].get("meta") or {})}
        has_reason = bool(str(meta.get("no_primary_key") or "").strip())
        if not keyed and not has_reason:
            unkeyed.append(model["name"])
        if keyed and has_reason:  # a reason is set per model, never on one that has a key
            wrong_reason.append(model["name"])
    assert not unkeyed, f"no unique + not_null key test and no reason: {unkeyed}"
    assert not wrong_reason, f"tests its key but says it has none: {wrong_reason}"


def test_a_daily_run_rewrites_each_model_by_the_key_its_meta_names(athena_compiled):
    """A trusted/curated model's meta `rewritten_by` (default customer_id) is the one
    home of the key its daily run rewrites by: the daily tests read that slice
    (get_where_subquery, the consent test), so the model's own pre-hook must delete
    by it and its landing read must select by it."""
    wrong = []
    for model in _models(athena_compiled.manifest):
        if model["fqn"][1] not in ("trusted", "curated"):
            continue
        key = (model["config"].get("meta") or {}).get("rewritten_by", "customer_id")
        predicate = f"{{{{ rewritten_rows('{key}') }}}}"
        hooks = " ".join(" ".join(h["sql"].split()) for h in model["config"]["pre-hook"])
        # the raw code holds the pre-hook's predicate and the read's
        if predicate not in hooks or " ".join(model["raw_code"].split()).count(predicate) < 2:
            wrong.append((model["name"], key))
    assert not wrong, f"pre-hook or read not by the meta's key: {wrong}"


# --------------------------------------------------------------------------- #
# Macros: one per file (adapter variants beside it), each documented with its
# arguments in the _macros.yml of its folder
# --------------------------------------------------------------------------- #
# Who calls a macro names its folder; the issue 28 budget on their number.
MACRO_FOLDERS = {"models", "hooks", "operations", "dispatch"}
# Issue 28's 35. (Issue 27's three delta macros took it to 38; one purge macro
# per table and per lake, and the pre-flight's DDL in one dispatched map, bring it back.)
MAX_MACROS = 35


def test_a_macro_file_keeps_at_most_a_three_line_why():
    """What a macro does and its arguments live in its folder's _macros.yml (what
    `dbt docs` shows); its file keeps at most a three-line comment saying why."""
    long = {}
    for path in sorted((REPO_ROOT / "macros").rglob("*.sql")):
        for comment in re.findall(r"\{#.*?#\}", path.read_text(), flags=re.DOTALL):
            if comment.count("\n") + 1 > 3:
                long[str(path.relative_to(REPO_ROOT))] = comment.count("\n") + 1
    assert not long, long


def _signature(macro: dict) -> list[str]:
    header = re.search(r"\{%-?\s*macro\s+\w+\s*\((.*?)\)\s*-?%\}", macro["macro_sql"],
                       flags=re.DOTALL).group(1)
    return [arg.split("=")[0].strip() for arg in header.split(",") if arg.strip()]


def test_every_macro_has_its_file_and_is_documented(athena_compiled):
    macros = {m["name"]: m for m in athena_compiled.manifest["macros"].values()
              if m["package_name"] == "stedi" and not m["name"].startswith("test_")}
    problems = []
    for name, macro in macros.items():
        # an adapter variant lives in the file of its family (dispatch/<family>.sql)
        family = name.split("__", 1)[1] if name.startswith(("trino__", "athena__")) else name
        path = macro["original_file_path"]
        if path.split("/")[-1] not in (f"{name}.sql", f"{family}.sql"):
            problems.append(f"{name}: in {path}")
        if path.split("/")[1] not in MACRO_FOLDERS:
            problems.append(f"{name}: in {path}, not in macros/{sorted(MACRO_FOLDERS)}")
        if not macro["description"].strip():
            problems.append(f"{name}: no description in a _macros.yml")
        documented = [arg["name"] for arg in macro["arguments"]]
        if documented != _signature(macro):
            problems.append(f"{name}: arguments {documented} != signature {_signature(macro)}")
    if len(macros) > MAX_MACROS:
        problems.append(f"{len(macros)} macros, more than {MAX_MACROS}")
    assert not problems, problems
