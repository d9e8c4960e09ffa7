# The two commands: `make run` (install, migrate, seed, start worker + beat + app on :3000)
# and `make test` (the whole suite). Everything else here serves those two.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUN_VERSION := 1.4.5
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
BUN := .tools/node_modules/.bin/bun

export PATH := $(CURDIR)/.tools/node_modules/.bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test install lint bench bench-tools seed-large browser pgbouncer clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
	  print('\n'.join(p['dependencies'] + p['optional-dependencies']['test']))" > $(VENV)/requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r $(VENV)/requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

$(BUN):
	npm install --prefix .tools --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION)

install: $(STAMP) $(BUN)

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser),
# and a CJK font so Chinese pages render as text, not boxes.
browser:
	@test -x /usr/bin/chromium && test -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium chromium-driver fonts-wqy-microhei >/dev/null; }

# Debian's PgBouncer for the test of running behind it in transaction mode (the test starts its own).
pgbouncer:
	@test -x /usr/sbin/pgbouncer || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null; }

run: install
	$(PY) -m portal.stack

# Unit and integration tests on TEST_WORKERS processes (pytest-xdist; a module's tests stay on one
# worker), then the browser tests in one process (one app build shared by all of them). Both parts
# always run; the target fails if either did.
TEST_WORKERS ?= 2
test: install browser pgbouncer
	@status=0; \
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup tests/unit tests/integration || status=$$?; \
	$(PY) -m pytest tests/e2e || status=$$?; \
	exit $$status

# Lint and formatting: `ruff check` and `ruff format --check` (reports, never rewrites files).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install bench-tools
	@ls bench/*.py

# What bench/orders.py measures with: Debian's wrk (a C load generator) and py-spy (the bench extra).
bench-tools: install
	@test -x /usr/bin/wrk || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	@$(PY) -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project'] \
	  ['optional-dependencies']['bench']))" | $(PY) -m pip install --quiet --disable-pip-version-check -r /dev/stdin

clean:
	rm -rf .web var .states
