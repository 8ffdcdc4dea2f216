# The two commands: `make run` (set up and start Opora on the embedded SQLite with the demo
# territory) and `make test` (set up and run every check and the whole test suite).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
HOST ?= 127.0.0.1
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=config.settings_test

.PHONY: run test lint pytest test-postgres bench clean install

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Нужен Python 3.11 или новее")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

run: install
	DEBUG=$${DEBUG:-true} $(BIN)/opora serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy opora config
	$(TEST_SETTINGS) $(BIN)/opora makemigrations --check --dry-run

pytest: install
	$(BIN)/pytest

test-postgres: install
	scripts/test-postgres.sh

test: lint pytest test-postgres

bench: install
	DEBUG=true $(BIN)/opora bench registry

clean:
	rm -rf var .mypy_cache .ruff_cache .pytest_cache
