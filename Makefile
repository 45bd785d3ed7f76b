# Two commands on a fresh machine: `make run` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
export FLASK_CONFIG ?= development
# Test processes (pytest-xdist): auto is one per CPU; 0 runs every test in this one process.
PYTEST_WORKERS ?= auto
# worksteal: each worker starts on a contiguous share (a module's tests, and its once-per-module seed, mostly
# stay together) and an idle worker takes work from a busy one, so the long browser tests do not set the pace.
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist worksteal

.DEFAULT_GOAL := help
.PHONY: help setup assets migrate run test test-fast lint browser-deps clamd clamd-stop bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

app/static/build/.built: node_modules/.package-lock.json scripts/build-assets.mjs $(wildcard app/static/src/*.scss)
	node scripts/build-assets.mjs
	touch $@

setup: $(VENV)/.installed assets ## Create .venv and install everything (idempotent)

assets: app/static/build/.built ## Install GOV.UK Frontend (npm ci) and compile the force stylesheet

migrate: setup ## Apply the database migrations (DATABASE_URL, default SQLite in instance/)
	$(FLASK) db upgrade

run: migrate ## Set up, migrate and serve on http://127.0.0.1:5000 (PORT overrides; SQLite by default)
	@if [ "$$FLASK_CONFIG" = development ]; then $(FLASK) create-demo-staff; fi
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

browser-deps: ## Install Debian's Chromium for the browser tests when missing (needs root)
	@if [ ! -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null; \
	  else echo "Chromium not found: browser tests will be skipped (set CHROMIUM_PATH)"; fi; \
	fi

clamd: ## Start a local clamd (EICAR test signature) under instance/clamd; prints the CLAMD_SOCKET to export
	@if ! command -v clamd >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clamav-daemon clamav clamdscan) >/dev/null; \
	  else echo "clamd not found: apt-get install clamav-daemon"; exit 1; fi; \
	fi
	@echo "export CLAMD_SOCKET=$$(scripts/local-clamd.sh instance/clamd)"

clamd-stop: ## Stop the local clamd that `make clamd` started
	@scripts/local-clamd.sh instance/clamd stop

lint: setup ## Run ruff, the type checker (mypy) and the import contracts (import-linter)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: setup browser-deps lint ## Set up and run every test (PostgreSQL too when TEST_DATABASE_URL is set)
	FLASK_CONFIG=test $(BIN)/pytest $(PYTEST_PARALLEL)

test-fast: setup ## Run the tests without the browser
	FLASK_CONFIG=test $(BIN)/pytest $(PYTEST_PARALLEL) -m "not browser"

bench: setup ## Run the benchmarks (numbers in the README)
	FLASK_CONFIG=test $(BIN)/python scripts/benchmark.py

clean: ## Remove the virtualenv, node_modules and built assets (keeps instance/)
	rm -rf $(VENV) node_modules app/static/build
