# cryoneuro: the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
UV := $(BIN)/uv
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed
RUN_SETTINGS ?= cryoneuro.site.settings.dev
# pytest must use the test settings: an exported DJANGO_SETTINGS_MODULE would win over
# pytest.ini's, so the test target sets it explicitly.
TEST_ENV := DJANGO_SETTINGS_MODULE=cryoneuro.site.settings.test
# mypy covers the whole package; django-stubs imports the test settings named in pyproject.toml
# (no database is opened). Without the test-database variables, importing them never starts
# a PostgreSQL cluster; src/ first, so this checkout's models are the ones the plugin sees.
MYPY := env -u CRYONEURO_TEST_DB -u CRYONEURO_TEST_DATABASE_URL PYTHONPATH=src $(BIN)/mypy
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test lint fmt typecheck bench install system-deps demo messages clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install -q --disable-pip-version-check uv
	@$(UV) pip sync -q --python $(PY) requirements.lock
	@$(UV) pip install -q --python $(PY) --no-deps -e .
	@touch $@

install: $(STAMP)

## make run: install, migrate SQLite under ./var, load demo data once, serve on $(HOST):$(PORT)
## (127.0.0.1:8000; `make run PORT=8101` serves, prints and links e-mails to port 8101), with
## the task worker (db_worker) and the periodic jobs (run_periodic) beside it, stopped with it
run: $(STAMP)
	@mkdir -p var
	@DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) $(PY) -m cryoneuro.manage migrate --noinput -v 0
	@DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) $(PY) -m cryoneuro.manage load_demo --url http://$(HOST):$(PORT)/
	@echo "cryoneuro: serving on http://$(HOST):$(PORT)/"
	@FOLLOWUP_SITE_URL=http://$(HOST):$(PORT) DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) $(PY) -m cryoneuro.devtools.together --with "$(PY) -m cryoneuro.manage db_worker --no-reload --no-startup-delay" --with "$(PY) -m cryoneuro.manage run_periodic" -- $(PY) -m cryoneuro.manage runserver --noreload $(HOST):$(PORT)

## make serve: production (cryoneuro.site.settings.prod): check --deploy, migrate --check (MIGRATE=1
## applies them), collectstatic, then gunicorn on $$CRYONEURO_BIND (127.0.0.1:8000) behind a TLS proxy
serve: $(STAMP)
	@PY=$(PY) MIGRATE=$(MIGRATE) bash scripts/serve.sh

## make test: system packages (chromium, postgresql, redis-server) where missing, lint, format, the app map
## (.importlinter), mypy (whole package), pytest on SQLite and PostgreSQL
test: $(STAMP) system-deps
	@$(BIN)/ruff check src tests benchmarks
	@$(BIN)/ruff format --check src tests benchmarks
	@$(BIN)/lint-imports .importlinter
	@$(MYPY)
	@echo "== pytest on SQLite =="
	@$(TEST_ENV) CRYONEURO_TEST_DB=sqlite $(BIN)/pytest -p no:cacheprovider -q
	@echo "== pytest on PostgreSQL (throwaway cluster) =="
	@$(TEST_ENV) CRYONEURO_TEST_DB=postgres $(BIN)/pytest -p no:cacheprovider -q -m "not browser" tests/apps

system-deps:
	@bash scripts/system-deps.sh

lint: $(STAMP)
	@$(BIN)/ruff check src tests benchmarks
	@$(BIN)/ruff format --check src tests benchmarks
	@$(BIN)/lint-imports .importlinter

fmt: $(STAMP)
	@$(BIN)/ruff format src tests benchmarks
	@$(BIN)/ruff check --fix src tests benchmarks

typecheck: $(STAMP)
	@$(MYPY)

$(BENCH_STAMP): $(STAMP) requirements-bench.lock
	@$(UV) pip install -q --python $(PY) -r requirements-bench.lock
	@touch $@

## make bench: performance figures with their in-run baselines (docs/operations/load.md: booking
## under 50 clients, kill -9 under load, page latency at 1 k and 10 k patients; the issue's
## 100 k: .venv/bin/python benchmarks/bench_scale.py --sizes 1000,10000,100000)
bench: $(BENCH_STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

messages: $(STAMP)
	@cd src/cryoneuro && ../../$(PY) -m django makemessages -l fr --ignore 'physics/*' --ignore 'clinical/*' --ignore 'planning/*' --ignore 'devtools/*' --settings=cryoneuro.site.settings.dev && ../../$(PY) -m django makemessages -d djangojs -l fr --ignore 'physics/*' --settings=cryoneuro.site.settings.dev && ../../$(PY) -m django compilemessages --settings=cryoneuro.site.settings.dev

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
