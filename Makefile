# The two commands of the README, plus the stack's own.
# `make lakehouse`: stack up, load landing data, dbt build, row counts per zone.
# `make test`:      the whole test suite against the real local stack.
# `make check`:     the offline tier: no stack needed, a few minutes (lint, manifest
#                   rules, offline compile, docs check, dbt-score, synth, CLI, report).
# `make test-stack`: the stack tier only (CI runs `make check` first, then this),
#                   on two pytest workers (integration_tests/workers.py).
# `make test-compose`: docker-compose.yml for real, on a Docker daemon of its own.
# `make report`:    target/report.html of the last build.

VENV ?= .venv
STEDI := $(VENV)/bin/stedi

.PHONY: lakehouse test check test-stack test-compose up down status lint docs report athena-compile athena-render clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

lakehouse: $(VENV)/.installed
	$(STEDI) build

test: $(VENV)/.installed
	$(VENV)/bin/pytest

check: $(VENV)/.installed
	$(VENV)/bin/pytest -m offline

test-stack: $(VENV)/.installed
	$(VENV)/bin/pytest -m stack -n 2

# The compose tier: docker-compose.yml on a Docker daemon of its own (root;
# integration_tests/dockerhost.py), on the STEDI_*_PORT ports of the environment.
test-compose: $(VENV)/.installed
	$(VENV)/bin/pytest -m compose integration_tests/test_compose_stack.py

up: $(VENV)/.installed
	$(STEDI) stack up

down:
	@if [ -x $(STEDI) ]; then $(STEDI) stack down; fi

status: $(VENV)/.installed
	$(STEDI) stack status

lint: $(VENV)/.installed
	$(VENV)/bin/sqlfluff lint models tests
	$(VENV)/bin/ruff check src benchmarks integration_tests

docs: $(VENV)/.installed
	$(STEDI) dbt docs generate
	$(STEDI) dbt docs serve --port 8081 --host 127.0.0.1

report: $(VENV)/.installed
	$(STEDI) report

# Every statement Athena can receive, rendered offline into target/athena/ (a
# development tool: integration_tests/athena_render.py; see docs/athena.md).
athena-render: $(VENV)/.installed
	$(VENV)/bin/python integration_tests/athena_render.py --out target/athena

# The Athena target, offline: no AWS credentials needed (see docs/athena.md).
athena-compile: $(VENV)/.installed
	$(VENV)/bin/pytest integration_tests/test_athena_compile.py integration_tests/test_manifest.py \
		integration_tests/test_athena_statements.py

clean: down
	rm -rf .stack target logs
