# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` serves like production (DEBUG off, static files collected and served by the app);
# `make dev` is Django's development server with autoreload and DEBUG on. On loopback it uses the
# local settings; listening anywhere else, the production ones (Secure cookies, HSTS, HTTPS
# redirect: a TLS proxy in front). Without SECRET_KEY, the installation's own key from
# var/secret_key (made on first use by the settings) signs sessions, never a public constant.
LOOPBACK_HOSTS := 127.0.0.1 localhost ::1
RUN_SETTINGS ?= $(if $(filter $(HOST),$(LOOPBACK_HOSTS)),tracker.settings.local,tracker.settings.production)
VAR_DIR := $(or $(TRACKER_VAR_DIR),var)

.PHONY: run dev prepare test test-all typecheck typecheck-baseline install lint check messages clean load db-restart-check audit bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

prepare: install
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py ensure_admin
	$(BIN)/python manage.py load_seeds

# The production server (scripts/serve: granian, WSGI; WEB_WORKERS and WEB_THREADS size it) and
# beside it the background job worker (manage.py run_worker), both under scripts/run.py.
run: prepare
	DEBUG=$${DEBUG:-false} $(BIN)/python manage.py collectstatic --no-input -v0
	SECRET_KEY="$${SECRET_KEY:-$$(cat $(VAR_DIR)/secret_key)}" \
		DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) DEBUG=$${DEBUG:-false} PYTHON=$(abspath $(BIN))/python \
		HOST=$(HOST) PORT=$(PORT) $(BIN)/python scripts/run.py

dev: prepare
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The everyday run leaves out the tests marked `slow` (schemathesis fuzzing, the browser, the
# live-server concurrency test) and keeps a PostgreSQL test database between runs (SQLite's is
# in memory anyway); `make test-all` runs every test on a new test database, as CI does.
PYTEST_MARKS ?= not slow
PYTEST_DB ?= --reuse-db

test: install
	mkdir -p var
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python scripts/mypy_baseline.py check
	$(BIN)/python -m pytest -m "$(PYTEST_MARKS)" $(PYTEST_DB) $(PYTEST_ARGS)

test-all:
	$(MAKE) test PYTEST_MARKS= PYTEST_DB=--create-db

# mypy (configured in pyproject.toml) may report only the errors listed in mypy-baseline.txt;
# after fixing some, `make typecheck-baseline` shrinks the list (it refuses to grow it).
typecheck: install
	$(BIN)/python scripts/mypy_baseline.py check

typecheck-baseline: install
	$(BIN)/python scripts/mypy_baseline.py update

# Bounded load (requests and seconds) against a server started on a free 127.0.0.1 port with
# its own data; DATABASE_URL=postgres://… loads PostgreSQL instead of a new SQLite file.
load: install
	$(BIN)/python scripts/loadtest.py --serve $(if $(DATABASE_URL),--database-url $(DATABASE_URL)) $(LOAD_ARGS)

# Restarts the PostgreSQL cluster under load; needs DATABASE_URL=postgres://…
db-restart-check: install
	@test -n "$(DATABASE_URL)" || { echo "set DATABASE_URL=postgres://user@127.0.0.1:5432/<database>"; exit 2; }
	$(BIN)/python scripts/db_restart_check.py $(RESTART_ARGS)

# Known vulnerabilities in the pinned runtime dependencies (needs the PyPI JSON API or OSV).
audit: install
	$(BIN)/pip install --quiet -r requirements-audit.txt
	$(BIN)/pip-audit --requirement requirements.txt --progress-spinner off

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

messages: install
	cd recommendations && ../$(BIN)/python ../manage.py makemessages -l az --no-obsolete
	cd recommendations && ../$(BIN)/python ../manage.py compilemessages

# Tracker vs the floor app, PostgREST and Datasette on 1M rows (bench/run.py says what it
# measures); bounded by a timeout, every process it starts is stopped by pid.
BENCH_TIMEOUT ?= 2400
bench: install
	bash bench/setup.sh
	TRACKER_PYTHON=$(abspath $(BIN))/python timeout $(BENCH_TIMEOUT) bench/.venv/bin/python bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache
