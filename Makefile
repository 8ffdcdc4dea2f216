# The two commands: `make run` (set up and start Opora on the embedded SQLite with the demo
# territory) and `make test` (set up and run every check and the whole test suite).
#
#   make run [PORT=8000] [HOST=127.0.0.1]   start the web server and the job worker
#   make dev                                the same with DEBUG=true (tracebacks in the browser)
#   make test                               lint, tests on SQLite, tests on PostgreSQL
#   make lint                               ruff, ruff format --check, mypy, import layers,
#                                           migrations check
#   make clean                              delete ./var (the database!) and caches

# The first of python3.11, python3.12, python3 found on PATH (checked to be 3.11 or 3.12).
PYTHON ?= $(firstword $(shell command -v python3.11 python3.12 python3 2>/dev/null))
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
HOST ?= 127.0.0.1
# Checks and the first test run always use the test settings and SQLite, whatever the shell
# or a local .env says (the PostgreSQL run sets its own DATABASE_URL).
TEST_ENV := DJANGO_SETTINGS_MODULE=config.settings_test DATABASE_URL=sqlite://:memory:
SAY = @printf '\n== %s ==\n'
# Two workers (the machines have two cores); tests of one module stay on one worker, so a
# module's shared fixtures (the demo territory) are loaded once.
PYTEST_PARALLEL ?= -n 2 --dist loadscope

.PHONY: run dev test lint pytest test-postgres bench clean install

install: $(STAMP)

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Не найден Python 3.11: установите python3.11 (apt-get install python3 python3-venv)." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else "Нужен Python 3.11 или 3.12, а $(PYTHON) — %d.%d" % sys.version_info[:2])'
	$(PYTHON) -m venv $(VENV)

# Reinstalled only when pyproject.toml changes (or .venv is new).
$(STAMP): pyproject.toml | $(BIN)/python
	$(SAY) "Установка Opora и зависимостей в $(VENV)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

# Without DEBUG, as users will meet it: Russian error pages instead of Django's debug page.
# The secret key is made once into ./var/secret_key (kept across runs, deleted by `clean`).
run: install
	@mkdir -p var && test -s var/secret_key || (umask 077 && $(BIN)/python -c \
		'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key)
	DEBUG=$${DEBUG:-false} SECRET_KEY=$${SECRET_KEY:-$$(cat var/secret_key)} \
		$(BIN)/opora serve --host $(HOST) --port $(PORT)

# For developers: the same with DEBUG on (tracebacks in the browser, static files unbundled).
dev: install
	DEBUG=true $(BIN)/opora serve --host $(HOST) --port $(PORT)

# Sequential on purpose (also under -j): lint, then SQLite, then PostgreSQL.
test: install
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory pytest
	@$(MAKE) --no-print-directory test-postgres
	$(SAY) "Все проверки пройдены"

lint: install
	$(SAY) "ruff check"
	$(BIN)/ruff check .
	$(SAY) "ruff format --check"
	$(BIN)/ruff format --check .
	$(SAY) "mypy"
	$(BIN)/mypy opora config
	$(SAY) "import-linter (layers: docs/architecture.md)"
	$(BIN)/lint-imports
	$(SAY) "makemigrations --check"
	$(TEST_ENV) $(BIN)/opora makemigrations --check --dry-run

pytest: install
	$(SAY) "Тесты на SQLite"
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_PARALLEL)

test-postgres: install
	$(SAY) "Тесты на PostgreSQL"
	scripts/test-postgres.sh $(PYTEST_PARALLEL)

bench: install
	DEBUG=true $(BIN)/opora bench registry

clean:
	rm -rf var .mypy_cache .ruff_cache .pytest_cache
	find opora config -name __pycache__ -type d -prune -exec rm -rf {} +
