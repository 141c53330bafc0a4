# `make run` serves the service on http://localhost:8000 with an embedded PostgreSQL and the
# sandbox provider; `make test` runs every check and test. Both install what they need first.

# The first of python3.12, python3.11, python3 that runs and is 3.11 or 3.12 (pgserver's wheels).
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	$$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 13))' 2>/dev/null \
	&& { $$p -c 'import sys; print(sys.executable)'; break; }; done)
UV_VERSION := 0.13.8
UV := .uv/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(VENV)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install browser redis run migrate test unit integration lint format clean bench bench-service demo shop-test audit proxies

install: $(VENV)/.installed

$(UV):
	@test -n "$(PYTHON)" || { echo "Python 3.11 or 3.12 is needed (set PYTHON=...)"; exit 1; }
	@echo "bootstrapping uv $(UV_VERSION) into .uv/ (once)…"
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.installed: pyproject.toml uv.lock clients/python/pyproject.toml | $(UV)
	@echo "installing the Python environment into $(VENV) from uv.lock (the first time: a minute or two)…"
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

# Servers: the service and its runtime dependencies only (no test, lint or browser tools:
# `make install` afterwards brings them back);
# deploy/ and docs/production.md take it from there.
.PHONY: install-prod
install-prod: | $(UV)
	$(UV) sync --frozen --no-dev --python $(PYTHON)
	rm -f $(VENV)/.installed


run: install
	$(BIN)/payments migrate
	$(BIN)/payments serve --with-worker

migrate: install
	$(BIN)/payments migrate

# The service and the example Django shop together (examples/demo.py): prints both URLs.
# DEMO_SERVICE_PORT (8000) and DEMO_SHOP_PORT (8001) choose the ports.
demo: install
	$(BIN)/python examples/demo.py

# The browser tests drive Debian's Chromium (never a downloaded browser build).
browser:
	command -v chromium >/dev/null || ($(SUDO) apt-get update && $(SUDO) apt-get install -y chromium)

# The shared rate limits' tests start a real Redis: Debian's redis-server (never a download).
redis:
	command -v redis-server >/dev/null || ($(SUDO) apt-get update && $(SUDO) apt-get install -y redis-server)

test: lint browser redis proxies audit
	$(BIN)/pytest
	$(MAKE) shop-test

# The shipped nginx and Caddy configurations run for real in tests/integration/test_proxy_configs.py
# (Debian's packages; the tests skip where they are missing).
proxies:
	command -v nginx >/dev/null && command -v caddy >/dev/null || ($(SUDO) apt-get update && $(SUDO) apt-get install -y nginx-light caddy)

# Known vulnerabilities in the locked dependencies (pip-audit, PyPI's advisory data); one line
# and success where that data cannot be reached (scripts/audit-dependencies.sh).
audit: install
	UV=$(UV) sh scripts/audit-dependencies.sh

# The example shop's own Django suite, against a real service process (and Chromium). The shop
# has no default secret key: the run makes a throw-away one unless SHOP_SECRET_KEY is set.
shop-test: install
	cd examples/django_shop && SHOP_SECRET_KEY="$${SHOP_SECRET_KEY:-$$(../../$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(32))')}" \
		../../$(BIN)/python manage.py test --noinput $(SHOP_TESTS)

unit: install
	$(BIN)/pytest tests/unit

integration: install
	$(BIN)/pytest tests/integration

lint: install
	$(BIN)/ruff check src tests clients examples
	$(BIN)/ruff format --check src tests clients examples
	$(BIN)/mypy src
	cd clients/python && ../../$(BIN)/mypy --strict payments_client
	$(BIN)/lint-imports

# The benchmark (docs/benchmarks.md): the service's Wave webhook path beside the two references
# in bench/references (the floor on this stack, the Django shop it replaces), one after the
# other, same levels, medians of 3. Not part of `make test`. One of them: BENCH_ARGS="--only
# service" (or floor, django). `make bench-service`: every scenario of the service alone (the
# sandbox, pgbench's ceiling, the dashboard queries on 1,000,000 payments). --help
bench: install
	command -v wrk >/dev/null || ($(SUDO) apt-get update && $(SUDO) apt-get install -y wrk)
	$(BIN)/python -m bench.compare $(BENCH_ARGS)

bench-service: install
	command -v wrk >/dev/null || ($(SUDO) apt-get update && $(SUDO) apt-get install -y wrk)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

format: install
	$(BIN)/ruff format src tests clients examples
	$(BIN)/ruff check --fix src tests clients examples

clean:
	rm -rf $(VENV) .uv .pytest_cache .mypy_cache .ruff_cache

# Empty this machine's local data (the embedded database under .data/, the logs) and say what
# went: `payments reset --yes` (the service must be stopped first).
reset: install
	$(BIN)/payments reset --yes

# Every target, one line each (tests/unit/test_makefile_help.py checks that none is missing).
help:
	@echo "make run          serve on http://localhost:8000 (sandbox, embedded PostgreSQL, in-process worker)"
	@echo "make demo         the service, the operators' simulators and the example Django shop, ready to buy"
	@echo "make test         lint, every test, the dependency audit and the shop's own suite"
	@echo "make unit         the unit tests only (no database)"
	@echo "make integration  the integration tests (real PostgreSQL, the app, Chromium)"
	@echo "make shop-test    the example shop's Django suite against a real service"
	@echo "make lint         ruff, mypy (the service and the client) and the import contracts"
	@echo "make format       reformat and fix what ruff can"
	@echo "make audit        known vulnerabilities in the locked dependencies (pip-audit)"
	@echo "make bench        the benchmark beside its references (docs/benchmarks.md)"
	@echo "make bench-service every scenario of the service's own benchmark, alone"
	@echo "make migrate      apply pending database migrations"
	@echo "make reset        empty the local data (embedded database, logs) and say what went"
	@echo "make install      the development environment in .venv (uv, the locked versions)"
	@echo "make install-prod the service's runtime dependencies only (servers)"
	@echo "make browser      Debian's Chromium for the browser tests"
	@echo "make redis        Debian's redis-server for the shared rate-limit tests"
	@echo "make proxies      Debian's nginx and Caddy for the proxy configuration tests"
	@echo "make clean        remove .venv and the tools' caches"
	@echo "make help         this list"
