# Kesu: `make run` serves the demo on SQLite; `make test` runs every test (SQLite, then PostgreSQL).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export KESU_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test

.DEFAULT_GOAL := help
.PHONY: help run install install-test browser lint format test test-sqlite test-postgres messages clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed ## create .venv and install Kesu

install-test: $(VENV)/.installed-test ## install Kesu with what the tests need

run: install ## migrate, load the demo on first start, serve http://127.0.0.1:8000 (SQLite under var/)
	$(BIN)/kesu migrate --noinput -v 0
	$(BIN)/kesu demo --if-empty
	$(BIN)/kesu serve --port $(PORT)

browser: ## install what the tests drive from Debian: chromium, CJK fonts, dovecot (IMAP) (needs root)
	@if command -v chromium >/dev/null && [ -x /usr/sbin/dovecot ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium fonts-noto-cjk dovecot-imapd >/dev/null; \
	else echo "chromium or dovecot is missing and this is not root: their tests will be skipped"; fi

lint: install-test ## ruff (lint, format) and import-linter (the arrows point one way)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-test ## ruff: fix what can be fixed and format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install-test ## refresh and compile the translation catalogues
	DJANGO_SETTINGS_MODULE=config.settings.base $(BIN)/django-admin makemessages -l zh_Hans -l en \
		--no-obsolete --no-location --ignore=.venv --ignore=var --ignore=scripts
	cd kesu && ../$(BIN)/django-admin compilemessages

test: install-test browser lint test-sqlite test-postgres ## everything: lint, SQLite, then PostgreSQL when reachable

test-sqlite: install-test ## the suite on SQLite
	$(BIN)/pytest -p no:cacheprovider

test-postgres: install-test ## the suite on PostgreSQL (KESU_TEST_DATABASE_URL)
	@if reason=$$($(BIN)/python scripts/services.py postgres 2>&1); then \
		KESU_TEST_ON_POSTGRES=1 $(BIN)/pytest -p no:cacheprovider; \
	elif [ "$$KESU_REQUIRE_SERVICES" = 1 ]; then \
		echo "FAILED: $$reason (KESU_REQUIRE_SERVICES=1)"; exit 1; \
	else echo "SKIPPED the PostgreSQL pass: $$reason"; fi

clean: ## remove the virtualenv and caches (keeps var/, the data)
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
