# Two commands on a fresh machine with Python 3.11+ and make:
#   make run    the whole platform on the embedded stack (no Docker)
#   make test   lint, type check and every test against real servers
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv

.PHONY: run test lint typecheck pytest bench install clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) uv.lock pyproject.toml $(wildcard services/*/pyproject.toml)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: $(VENV)/.installed

run: install
	$(VENV)/bin/kombel up

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy services tests

pytest: install
	$(VENV)/bin/pytest

test: lint typecheck pytest

bench: install
	$(VENV)/bin/python -m tests.benchmarks

clean:
	rm -rf $(VENV) .tools
