# subdub — every target works on a machine with only python3 (uv is installed on demand).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3)
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .subdub-tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
PYTEST_WORKERS ?= 2

.PHONY: install run test lint typecheck layers security audit unit migrate bench fmt clean

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet uv

$(BIN)/subdub: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: $(BIN)/subdub

run: install
	$(BIN)/subdub run

migrate: install
	$(BIN)/subdub migrate up

lint: install
	$(BIN)/ruff check src tests bench migrations
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy src

layers: install
	$(BIN)/lint-imports

security: install
	$(BIN)/bandit -q -c pyproject.toml -r src

# A known vulnerability in a locked dependency fails the build. Packages the vulnerability
# service cannot look up (a mirror without per-release data) are reported, not failed.
audit: install
	$(UV) export --frozen --no-dev --no-hashes --no-emit-project --format requirements-txt > $(VENV)/audit-requirements.txt
	$(BIN)/pip-audit --requirement $(VENV)/audit-requirements.txt --no-deps --disable-pip --progress-spinner off

unit: install
	$(BIN)/pytest tests/unit -q

test: lint typecheck layers security audit
	$(BIN)/pytest -n $(PYTEST_WORKERS) --cov --cov-report=term --cov-report=xml:$(VENV)/coverage.xml

bench: install
	$(BIN)/python bench/run_all.py

fmt: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
