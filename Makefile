# The two commands a newcomer needs: `make run` and `make test`. Both set up .venv themselves, once.
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

# The first Python 3.12+ found: on PATH, or installed by pyenv.
PYTHON := $(shell for c in python3.14 python3.13 python3.12 python3 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	command -v $$c; break; fi; done)

.PHONY: run test lint format bench load chaos venv venv-dev clean

$(VENV)/.runtime: requirements.txt
	@test -n "$(PYTHON)" || { echo "make: Python 3.12 or newer is needed and none was found (on PATH or in pyenv)." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.runtime
venv-dev: $(VENV)/.dev

run: venv
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_content --initial
	@echo "Serving on http://127.0.0.1:$(PORT)/  (the baclofen leaflet: http://127.0.0.1:$(PORT)/medicines/baclofen/)"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv-dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: venv-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: venv-dev
	$(PY) -m bench.http
	$(PY) -m bench.screening
	$(PY) -m bench.queries
	$(PY) -m bench.scale

load: venv-dev
	$(PY) -m bench.load

# Fault injection (needs redis-server and PostgreSQL on 127.0.0.1:5432): kills and hangs Redis, hangs PostgreSQL.
chaos: venv-dev
	$(PY) -m bench.chaos

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache .mypy_cache
