"""The docs stay true: every repo path README.md, docs/*.md and the macros'
_macros.yml name exists, every `stedi.` Python name they cite imports, and
every command of their shell blocks parses with its own parser (dbt's, the
`stedi` CLI's argparse, the Makefile's targets). A dbt build or test for
Athena leaves the unit tests out: dbt-athena cannot run them (its Hive temp
tables reject timestamp(6); docs/athena.md, First deploy)."""

from __future__ import annotations

import importlib
import re

import pytest
from doc_claims import (
    MACRO_YAML,
    MARKDOWN,
    REPO_ROOT,
    Command,
    commands,
    dbt_params,
    dotted_names,
    is_athena,
    named_paths,
    prose_dbt_commands,
    prose_mentions,
    rel,
)

from stedi import cli


def make_targets() -> set[str]:
    text = (REPO_ROOT / "Makefile").read_text()
    return set(re.findall(r"^([\w.-]+(?:/[\w.-]+)*)\s*:(?!=)", text, flags=re.MULTILINE))


def missing_paths(docs) -> list[str]:
    missing = []
    for doc in docs:
        for path in named_paths(doc):
            pattern = re.sub(r"<[^>]*>", "*", path)
            pattern = pattern.rstrip("/") or "."
            # a model or macro may be named by its path without .sql
            if not list(REPO_ROOT.glob(pattern)) + list(REPO_ROOT.glob(pattern + ".*")):
                missing.append(f"{rel(doc)}: {path}")
    return sorted(set(missing))


def unimportable(docs) -> list[str]:
    wrong = []
    for doc in docs:
        for name in dotted_names(doc):
            parts = name.split(".")
            module, i = None, len(parts)
            while i > 1 and module is None:
                try:
                    module = importlib.import_module(".".join(parts[:i]))
                except ModuleNotFoundError:
                    i -= 1
            obj = module
            for attr in parts[i:]:
                obj = getattr(obj, attr, None)
            if obj is None:
                wrong.append(f"{rel(doc)}: {name}")
    return sorted(set(wrong))


def wrong_commands(cmds: list[Command]) -> list[str]:
    """Why each command would not run as written ([] when all parse)."""
    import click

    targets, wrong = make_targets(), []
    for command in cmds:
        words = command.words
        try:
            if words[0] == "make":
                unknown = [w for w in words[1:] if "=" not in w and w not in targets]
                if unknown:
                    raise ValueError(f"no make target {unknown}")
                continue
            # `stedi bench` parses its own options (the benchmark package)
            if words[0].endswith("stedi") and words[1:2] != ["bench"]:
                args = cli.parser().parse_args(words[1:])
                if args.command == "dbt":
                    words = ["dbt", *args.dbt_args]
                elif args.command == "locked" and "dbt" in args.command_args:
                    words = args.command_args[args.command_args.index("dbt"):]
            if words[0] == "dbt":
                params = dbt_params(words)
                verb = words[1]
                if is_athena(command) and verb in ("build", "test") and "unit_test" not in (
                        params.get("exclude_resource_types") or ()):
                    raise ValueError("runs dbt unit tests on Athena")
        except SystemExit:
            wrong.append(f"{command.doc}: {command.text}: stedi's parser rejects it")
        except (click.ClickException, ValueError, IndexError) as error:
            wrong.append(f"{command.doc}: {command.text}: {error}")
    return wrong


def wrong_mentions(mentions: list[Command]) -> list[str]:
    """An inline `stedi SUB --flag ...` or `make TARGET` names a real
    subcommand, its real options and real targets (arguments may be left out)."""
    subparsers = next(a for a in cli.parser()._actions if a.dest == "command").choices
    targets, wrong = make_targets(), []
    for mention in mentions:
        words = [w for w in mention.words if w not in ("…", "...")]
        if words[0] == "make":
            wrong += [f"{mention.doc}: {mention.text}: no make target {w}"
                      for w in words[1:] if w not in targets]
            continue
        sub = subparsers.get(words[1])
        if sub is None:
            wrong.append(f"{mention.doc}: {mention.text}: no stedi command {words[1]}")
            continue
        if words[1] in ("dbt", "bench", "locked"):  # the rest is another program's
            words = words[:words.index("--")] if "--" in words else words[:2]
        options = {o for a in sub._actions for o in a.option_strings}
        wrong += [f"{mention.doc}: {mention.text}: no option {w}"
                  for w in words[2:] if w.startswith("-") and w.split("=")[0] not in options]
    return wrong


@pytest.fixture
def dbt_cwd(monkeypatch):
    monkeypatch.setenv("DBT_PROFILES_DIR", str(REPO_ROOT))  # the parser checks it exists
    monkeypatch.chdir(REPO_ROOT)


def test_every_path_the_docs_name_exists():
    found = sum(len(named_paths(d)) for d in [*MARKDOWN, *MACRO_YAML])
    assert found >= 100, found
    assert not missing_paths([*MARKDOWN, *MACRO_YAML])


def test_every_stedi_name_the_docs_cite_imports():
    assert sum(len(dotted_names(d)) for d in MARKDOWN) >= 2
    assert not unimportable([*MARKDOWN, *MACRO_YAML])


def test_every_documented_command_parses(dbt_cwd, capsys):
    cmds = [c for doc in MARKDOWN for c in commands(doc) + prose_dbt_commands(doc)]
    kinds = {c.words[0].rsplit("/", 1)[-1] for c in cmds}
    assert kinds == {"make", "stedi", "dbt"}, kinds
    assert sum(is_athena(c) for c in cmds) >= 7
    assert {c.doc for c in cmds} >= {"README.md", "docs/athena.md"}
    assert not wrong_commands(cmds)
    capsys.readouterr()  # argparse's usage lines


def test_every_inline_stedi_or_make_mention_is_real():
    mentions = [m for doc in MARKDOWN for m in prose_mentions(doc)]
    assert len(mentions) >= 50, len(mentions)
    assert not wrong_mentions(mentions)


def test_the_docs_check_finds_what_is_false(tmp_path, dbt_cwd, capsys):
    """Each check fails on the false claim it exists for."""
    docs = tmp_path / "docs"
    docs.mkdir()
    page = docs / "page.md"
    page.write_text(
        "See `macros/landing_row_doc.sql`, [ops](operations.md#requirements) and\n"
        "`stedi.privacy.forgotten.no_such_function`, `stedi purge --force`, `make lakehose`.\n\n"
        "```bash\n"
        "STEDI_TARGET=athena dbt build    # production\n"
        "dbt run --target athena --no-such-flag\n"
        "dbt build --target athena --exclude-resource-type unit_test\n"
        ".venv/bin/stedi stack restart\n"
        "stedi forget someone@example.com --execute\n"
        "make lakehouse no-such-target\n```\n")
    # a doc outside the repo: its link resolves outside too, so name it in the repo
    real = REPO_ROOT / "docs" / "_docs_check_probe.md"
    real.write_text(page.read_text())
    try:
        assert missing_paths([real]) == [
            "docs/_docs_check_probe.md: macros/landing_row_doc.sql"]
        assert unimportable([real]) == [
            "docs/_docs_check_probe.md: stedi.privacy.forgotten.no_such_function"]
        wrong = wrong_commands(commands(real))
        mentions = wrong_mentions(prose_mentions(real))
    finally:
        real.unlink()
    capsys.readouterr()
    assert [w.split(": ", 2)[2] for w in mentions] == [
        "no option --force", "no make target lakehose"], mentions
    assert [w.split(": ", 2)[2] for w in wrong] == [
        "runs dbt unit tests on Athena",
        "No such option '--no-such-flag'.",
        "stedi's parser rejects it",
        "no make target ['no-such-target']",
    ], wrong
