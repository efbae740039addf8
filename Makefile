# gridsvc: `make demo` to try it, `make test` to run the whole suite.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
PIP     = $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: messages demo serve install install-test lint test test-fast bench bench-tools clean pg-start chromium

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

install: $(VENV)/bin/activate
	$(PIP) install -q -e .

install-test: $(VENV)/bin/activate
	$(PIP) install -q -e '.[test]'

# The English catalog: extract the Chinese source strings, merge them into messages.po (translate
# the new entries there), compile the .mo. The .mo is committed so a wheel or a checkout serves
# English without a build step; tests/locale checks both are current.
LOCALE = gridsvc/locale
messages: install-test
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output -o $(LOCALE)/messages.pot .
	test -f $(LOCALE)/en/LC_MESSAGES/messages.po || $(VENV)/bin/pybabel init -i $(LOCALE)/messages.pot -d $(LOCALE) -l en
	$(VENV)/bin/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) -l en --no-fuzzy-matching --ignore-obsolete
	$(VENV)/bin/pybabel compile -d $(LOCALE) -l en --statistics

# Creates var/gridsvc.sqlite3, loads the demo city on first run, prints the demo accounts and serves.
demo: install
	$(VENV)/bin/gridsvc serve --demo --host $(HOST) --port $(PORT)

serve: install
	$(VENV)/bin/gridsvc serve --host $(HOST) --port $(PORT)

# PostgreSQL for the store tests; harmless where it already runs or is absent.
pg-start:
	@if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start 2>/dev/null || true; fi

# Debian's Chromium for the browser tests (Playwright cannot download its own here).
# fonts-noto-cjk: without it the screenshots the browser tests save show Chinese as boxes.
chromium:
	@if { [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/noto ]; } && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; fi

# Tests run in one worker process per core (pytest-xdist; each worker makes its own databases):
# on the 2-core machine that halves the SQLite run. TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto

# ruff (pyflakes, imports, bugbear, 120 columns) and mypy, configured in pyproject.toml; `make test` runs them first.
lint: install-test
	$(VENV)/bin/ruff check gridsvc tests bench tools
	$(VENV)/bin/mypy

# Every run ends with its wall time and the 15 slowest steps, so a slow test is seen when it lands.
test: install-test lint pg-start chromium
	$(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --durations=15

test-fast: install-test
	$(VENV)/bin/python -m pytest -n $(TEST_WORKERS) -x -q -m "not browser" --durations=15

# Debian's wrk drives bench/load.py: a C client leaves the two cores to the server (the Python
# client it replaced took one of them).
bench-tools:
	@if ! command -v wrk >/dev/null && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; fi

# Each script prints its figures and the machine they came from (not part of `make test`).
bench: install-test pg-start bench-tools
	$(PY) bench/locate.py
	$(PY) bench/maps.py
	$(PY) bench/catalog.py
	$(PY) bench/matching.py
	$(PY) bench/generations.py  # ~25 min: builds a 100,000-grid city (--no-big for the as-of part only)
	$(PY) bench/edit.py
	$(PY) bench/request_cost.py  # queries and CPU per request of the wish list and the kept answers (--db pg)
	$(PY) bench/load.py  # 100 connections for 60 s on SQLite and PostgreSQL; --seconds/--db for less

clean:
	rm -rf build dist *.egg-info .pytest_cache var/*.sqlite3* tests/artifacts
