# The two commands of the README: `make run` sets everything up on a fresh machine and
# serves the registry on SQLite; `make test` runs the whole suite (DATABASE_URL picks the
# database). Everything the suite needs is installed from here.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test setup test-setup browser messages lint check benchmark wrk clean

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_registry
	$(BIN)/python manage.py runserver $(HOST)

test: test-setup
	$(BIN)/python -m pytest

setup: $(VENV)/.installed messages

test-setup: $(VENV)/.installed-test messages browser

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Compiled translations are build products: made from the committed .po files.
messages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || $(MAKE) --no-print-directory apt-packages PACKAGES=gettext
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

# Browser tests drive Debian's Chromium (Playwright must never download a browser).
browser:
	@test -x /usr/bin/chromium || $(MAKE) --no-print-directory apt-packages PACKAGES="chromium fonts-wqy-microhei"

apt-packages:
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PACKAGES) >/dev/null; \
	else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PACKAGES) >/dev/null; fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(VENV)/.installed
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# Speed, query-count and memory figures of the registry served by gunicorn and loaded by wrk
# on the configured database (see benchmarks/ and the README): BENCHMARK_ARGS=--quick for a
# short run; `manage.py seed_scale` first for national scale.
BENCHMARK_ARGS ?=
benchmark: setup wrk
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_registry -v0
	$(BIN)/python manage.py benchmark_registry $(BENCHMARK_ARGS)

# The benchmark's load generator, from Debian.
wrk:
	@command -v wrk >/dev/null || $(MAKE) --no-print-directory apt-packages PACKAGES=wrk

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache
