# `make run` serves the service on http://localhost:8000 with an embedded PostgreSQL and the
# sandbox provider; `make test` runs every check and test. Both install what they need first.

PYTHON ?= $(shell command -v python3.12 || command -v python3.11 || echo python3)
UV_VERSION := 0.13.8
UV := .uv/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(VENV)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install browser run migrate test unit integration lint format clean

install: $(VENV)/.installed

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

run: install
	$(BIN)/payments migrate
	$(BIN)/payments serve

migrate: install
	$(BIN)/payments migrate

# The browser tests drive Debian's Chromium (never a downloaded browser build).
browser:
	command -v chromium >/dev/null || ($(SUDO) apt-get update && $(SUDO) apt-get install -y chromium)

test: lint browser
	$(BIN)/pytest

unit: install
	$(BIN)/pytest tests/unit

integration: install
	$(BIN)/pytest tests/integration

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy src
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

clean:
	rm -rf $(VENV) .uv .pytest_cache .mypy_cache .ruff_cache
