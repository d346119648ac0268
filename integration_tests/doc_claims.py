"""What the docs name, read from their text: the repo paths and `stedi.` Python
names they cite, and the commands their fenced blocks give. test_docs_true.py
checks each against the repo; test_athena_statements.py renders the Athena ones.

The docs: README.md, docs/*.md and every macros/**/_macros.yml.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
MARKDOWN = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
MACRO_YAML = sorted((REPO_ROOT / "macros").glob("**/_macros.yml"))
# What a repo path starts with: the top-level entries a doc may name.
TOP = ("models/", "macros/", "docs/", "src/", "integration_tests/", "tests/", "stack/",
       "seeds/", "benchmarks/", ".ci/", "sqlfluff_libs/", "Makefile", "dbt_project.yml",
       "pyproject.toml", "profiles.yml.example", "docker-compose.yml", "README.md",
       ".pre-commit-config.yaml", ".sqlfluff")


@dataclass(frozen=True)
class Command:
    doc: str      # the doc's path in the repo
    text: str     # the command line, continuations joined
    env: dict     # VAR=value words before it

    @property
    def words(self) -> list[str]:
        return shlex.split(self.text)


def rel(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT))


def _code_spans(text: str) -> list[str]:
    return re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.DOTALL))


def named_paths(doc: Path) -> list[str]:
    """Repo paths a doc names: in inline code, in markdown links (relative to the
    doc) and in fenced blocks' words; `<placeholder>` and `*` parts are globs."""
    text = doc.read_text()
    found = []
    words = _code_spans(text) + re.findall(r"[\w./*<>-]+", "\n".join(
        re.findall(r"```[\w]*\n(.*?)```", text, flags=re.DOTALL)))
    for span in words:
        for word in re.split(r"[\s,:()'\"]+", span):
            word = word.rstrip(".;")
            if word.startswith(TOP) and not word.startswith(("docs/#", "src/#")):
                found.append(word.split("#")[0])
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if "://" not in target:
            found.append(rel((doc.parent / target).resolve()))
    return found


def dotted_names(doc: Path) -> list[str]:
    """`stedi.module[.attr...]` names cited in inline code."""
    return [m for span in _code_spans(doc.read_text())
            for m in re.findall(r"\bstedi(?:\.\w+)+", span)]


def commands(doc: Path) -> list[Command]:
    """Every `make`, `stedi` and `dbt` command line of the doc's shell blocks
    (``` or ```bash; `\\` continuations joined, `# comments` dropped), with
    any VAR=value words before it."""
    text = doc.read_text()
    found = []
    for language, block in re.findall(r"```(\w*)\n(.*?)```", text, flags=re.DOTALL):
        if language not in ("", "bash", "sh", "console"):
            continue
        for line in block.replace("\\\n", " ").splitlines():
            line = re.split(r"\s#\s|\s#$|^#", line)[0].strip()
            try:
                words = shlex.split(line)
            except ValueError:
                continue
            # usage notation: `stedi purge [--execute]` gives an optional flag
            words = words[:1] + [w[1:-1] if w.startswith("[") and w.endswith("]") else w
                                 for w in words[1:]]
            env = {}
            while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
                key, value = words.pop(0).split("=", 1)
                env[key] = value
            if words and words[0] in ("export",):
                continue
            if words and (words[0] in ("make", "dbt", "stedi")
                          or words[0].endswith("/bin/stedi")):
                found.append(Command(rel(doc), shlex.join(words), env))
    return found


def prose_mentions(doc: Path) -> list[Command]:
    """`stedi ...` and `make ...` in a doc's inline code: often a command's name
    with some of its options (`stedi forget --execute`), not a full command."""
    return [Command(rel(doc), span, {}) for span in _code_spans(doc.read_text())
            if re.match(r"(\.venv/bin/)?stedi [a-z]|make [a-z]", span)]


def prose_dbt_commands(doc: Path) -> list[Command]:
    """`dbt ...` commands in a doc's inline code (outside fenced blocks)."""
    return [Command(rel(doc), span, {}) for span in _code_spans(doc.read_text())
            if re.match(r"dbt [a-z-]+ ", span)]


def dbt_params(words: list[str]) -> dict:
    """Parse `dbt ARGS` with dbt's own command line (dbt.cli.main.cli); raises
    click's error on an unknown command, flag or value. Needs DBT_PROFILES_DIR
    to name a directory that exists."""
    import click
    from dbt.cli.main import cli

    assert words[0] == "dbt", words
    args = words[1:]
    if args[0] not in cli.commands:
        raise click.UsageError(f"no dbt command {args[0]!r}")
    cmd = cli.commands[args[0]]
    if isinstance(cmd, click.Group):  # dbt docs generate
        if args[1] not in cmd.commands:
            raise click.UsageError(f"no dbt command {args[:2]}")
        cmd, args = cmd.commands[args[1]], args[1:]
    return cmd.make_context(args[0], args[1:]).params


def is_athena(command: Command) -> bool:
    return "--target athena" in command.text or command.env.get("STEDI_TARGET") == "athena"

