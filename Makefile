# delivery: `make run` to try it, `make test` for the whole suite. See README.md.
SHELL  := /bin/bash
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8080
# Listen on this machine only, unless HOST says otherwise (HOST=0.0.0.0 for every interface).
HOST   ?= 127.0.0.1
# make run loads the demo (embedded default database only; elsewhere `flask seed` loads nothing).
# DEMO=0 starts on the database as it is.
DEMO   ?= 1
# One web process by default: the embedded rate-limit storage is per process. With REDIS_URL, raise it.
WEB_WORKERS ?= 1
WORKERS ?= 4
# An idle consumer looks for new tasks at least every half second (Huey's default backs off to 10 s,
# which on the SQLite queue left a new check or a plan waiting that long).
CONSUMER = $(BIN)/huey_consumer delivery.worker.huey --workers $(WORKERS) --worker-type thread --delay 0.1 --max-delay 0.5
export FLASK_APP := wsgi

# PostgreSQL + Redis pass of `make test`: CI always runs it; elsewhere set TEST_DATABASE_URL to run it.
PG_ADMIN_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
REDIS_TEST_URL ?= redis://127.0.0.1:6379/0
PYTEST := $(BIN)/python -m pytest

.PHONY: install install-dev migrate seed run worker web test test-sqlite test-postgres test-browser test-browser-postgres bench clean messages

# The pages' translations: .po files in the repository, .mo compiled here (never committed).
CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

# What a production host installs: requirements.txt only. Tests and tools: requirements-dev.txt.
install: $(VENV)/.installed $(CATALOGS)

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

install-dev: $(VENV)/.installed-dev $(CATALOGS)

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -l $* -i $< -o $@

# After marking new strings: extract them and merge them into each language's .po (then translate).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract --no-location -F babel.cfg -k _l -o translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i translations/messages.pot -d translations

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed

# gunicorn.conf.py refuses unsafe settings before workers start and counts metrics across workers;
# the app logs each request itself (delivery.access), so gunicorn keeps no access log of its own.
GUNICORN = $(BIN)/gunicorn -c gunicorn.conf.py --workers $(WEB_WORKERS) --threads 8 --bind $(HOST):$(PORT) wsgi:app

# Web app and Huey consumer together; Ctrl-C stops both, and so does either one exiting.
run: $(if $(filter 0,$(DEMO)),migrate,seed)
	@echo "delivery on http://$(HOST):$(PORT)/"
	@trap 'kill $$(jobs -p) 2>/dev/null; wait' EXIT INT TERM; \
	$(CONSUMER) & \
	$(GUNICORN) & \
	wait -n

# The web app alone, on the database as it is (no demo rows).
web: migrate
	$(GUNICORN)

worker: migrate
	$(CONSUMER)

test: install-dev
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$CI" ] || [ -n "$$TEST_DATABASE_URL" ]; then \
	    $(MAKE) --no-print-directory test-postgres; \
	else echo "skipping the PostgreSQL + Redis pass: set TEST_DATABASE_URL (CI runs it)"; fi
	$(MAKE) --no-print-directory test-browser
	@if [ -n "$$CI" ] || [ -n "$$TEST_DATABASE_URL" ]; then \
	    $(MAKE) --no-print-directory test-browser-postgres; fi

test-sqlite: install-dev
	TEST_DATABASE_URL= TEST_REDIS_URL= $(PYTEST) -m "not browser"

test-postgres: install-dev
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-$(PG_ADMIN_URL)} TEST_REDIS_URL=$${TEST_REDIS_URL:-$(REDIS_TEST_URL)} \
	    $(PYTEST) -m "not browser"

# axe-core, the accessibility checker the browser tests inject, pinned in tests/browser/package-lock.json.
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $@

test-browser: install-dev $(AXE)
	TEST_DATABASE_URL= TEST_REDIS_URL= $(PYTEST) -m browser tests/browser

# The dispatcher's flows in the browser on PostgreSQL + Redis (a throwaway database, Huey on Redis);
# the layout and accessibility pass (test_screens.py) runs on SQLite only.
test-browser-postgres: install-dev
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-$(PG_ADMIN_URL)} TEST_REDIS_URL=$${TEST_REDIS_URL:-$(REDIS_TEST_URL)} \
	    $(PYTEST) -m browser tests/browser/test_dispatcher_day.py tests/browser/test_console_live.py

# bench.api drives the server with wrk (Debian's package).
bench: install-dev
	$(BIN)/pip install --quiet -r bench/requirements.txt
	@command -v wrk >/dev/null || { apt-get install -y -qq --no-install-recommends wrk 2>/dev/null \
	    || sudo apt-get install -y -qq --no-install-recommends wrk; }
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance/*.db instance/*.db-* media/pdf/*.pdf translations/*/LC_MESSAGES/*.mo tests/browser/node_modules
