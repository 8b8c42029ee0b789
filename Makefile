# Two commands do all the set-up: `make run` and `make test`. `make install` is the shared part.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi.py

.PHONY: install run dev test test-fast test-clock test-browser test-postgres test-fuzz test-scaleout test-benchmark bench clean-assets

install: $(VENV)/.installed tracker/static/govuk/.built

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

tracker/static/govuk/.built: node_modules/.installed scripts/build_assets.py
	$(BIN)/python scripts/build_assets.py
	touch $@

# gunicorn (tracker/ops/gunicorn_conf.py) with the queue consumer beside it: scripts/run.sh says how.
run: install
	@BIN=$(BIN) PORT=$(PORT) scripts/run.sh

# The reloading development server (Flask's, with the debugger): code changes apply at once. The
# queue consumer runs beside it as in `make run`.
dev: install
	$(BIN)/flask migrate-once
	$(BIN)/flask demo-data --if-empty
	@$(BIN)/flask sign-in-help
	@$(BIN)/huey_consumer tracker.reports.consumer.huey --workers 2 --worker-type thread --quiet & \
	consumer=$$!; trap 'kill $$consumer 2>/dev/null; wait $$consumer 2>/dev/null' EXIT INT TERM; \
	TRACKER_DEMO_MODE=1 $(BIN)/flask run --debug --host 127.0.0.1 --port $(PORT)

# The whole suite: the fast tier on SQLite (in parallel, one database per worker) with the wall clock
# moved (far future, the last day of a month, the Sunday the clocks change: a test that reads the real
# clock fails the day it is written), the fuzz, browser, ops and scaleout tiers, the fast tier again on a real
# PostgreSQL on the real clock (it also holds the S3-backed tests, which a moved clock cannot reach),
# then the benchmark tier (on a quiet machine: nothing else runs beside it). `make test-fast` is the
# same fast tier on the real clock, for every day's work.
FAST := not browser and not postgres and not benchmark and not ops and not fuzz and not scaleout
MOVED_CLOCK ?= 2038-10-31T00:59:30
test: install
	scripts/install_test_deps.sh
	$(BIN)/pytest -n auto -m "$(FAST)" --clock=$(MOVED_CLOCK) -q
	$(BIN)/pytest -m fuzz
	$(BIN)/pytest -m browser
	$(BIN)/pytest -m ops
	$(BIN)/pytest -m scaleout
	$(BIN)/pytest -n auto --db=postgres -m "not browser and not benchmark and not ops and not fuzz and not scaleout"
	$(BIN)/pytest -m benchmark

test-fast: install
	$(BIN)/pytest -n auto -m "$(FAST)"

test-clock: install
	$(BIN)/pytest -n auto -m "$(FAST)" --clock=$(MOVED_CLOCK)

test-browser: install
	scripts/install_test_deps.sh
	$(BIN)/pytest -m browser

test-postgres: install
	scripts/install_test_deps.sh
	$(BIN)/pytest -n auto --db=postgres -m "not browser and not benchmark and not ops and not fuzz and not scaleout"

test-fuzz: install
	$(BIN)/pytest -m fuzz

test-scaleout: install
	scripts/install_test_deps.sh
	$(BIN)/pytest -m scaleout

test-benchmark: install
	$(BIN)/pytest -m benchmark

# Ten years of data served by gunicorn: latency, throughput and query counts per key page, with budgets.
bench: install
	$(BIN)/python scripts/bench.py
