# The two commands of the README: `make run` sets everything up on a fresh machine and
# serves the registry on SQLite; `make test` runs the whole suite (DATABASE_URL picks the
# database). Everything the suite needs is installed from here. `make serve` is production:
# gunicorn (gunicorn.conf.py), DEBUG off, static files collected, migrations applied.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run serve test setup test-setup browser pdf-libs messages lint check benchmark wrk clean

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_registry
	$(BIN)/python manage.py runserver $(HOST)

# Production: refuses to start without SECRET_KEY and ALLOWED_HOSTS (README, "Production").
serve: setup
	@test -n "$$SECRET_KEY" || { echo "make serve: 未设置 SECRET_KEY。SECRET_KEY is not set: give a long random string (e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))')." >&2; exit 2; }
	@test -n "$$ALLOWED_HOSTS" || { echo "make serve: 未设置 ALLOWED_HOSTS。ALLOWED_HOSTS is not set: give the host names the site is reached by, comma-separated (e.g. registry.example.org)." >&2; exit 2; }
	DEBUG=false $(BIN)/python manage.py collectstatic --noinput -v0
	DEBUG=false $(BIN)/python manage.py migrate --noinput
	DEBUG=false $(BIN)/python manage.py check --deploy
	DEBUG=false HOST=$(HOST) exec $(BIN)/gunicorn --config gunicorn.conf.py sister_cities.wsgi

# One worker per core (CI has two). Tests go out in collection order, so on each worker
# the tests that flush the database (live server, browser) still run after those that
# read the loaded registry.
TEST_WORKERS ?= auto
test: test-setup
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist load

setup: $(VENV)/.installed messages pdf-libs

test-setup: $(VENV)/.installed-test messages browser pdf-libs wrk

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

# A place's brief as PDF (WeasyPrint) needs Pango from Debian and a Chinese font to embed.
pdf-libs:
	@{ ldconfig -p | grep -q libpangoft2-1.0 && fc-list | grep -qi -e wqy -e 'noto sans cjk'; } || $(MAKE) --no-print-directory apt-packages PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei"

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
