# subdub — every target works on a machine with only python3 (uv is installed on demand).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3)
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .subdub-tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
export UV_PYTHON_DOWNLOADS := never
# Trust the system certificate store (corporate proxies, custom CAs) as pip does
# (UV_SYSTEM_CERTS since uv 0.13, UV_NATIVE_TLS before; with both set neither warns).
export UV_SYSTEM_CERTS ?= 1
export UV_NATIVE_TLS ?= 1
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
	$(BIN)/ruff check src tests bench migrations scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: install
	$(BIN)/mypy src

layers: install
	$(BIN)/lint-imports

security: install
	$(BIN)/bandit -q -c pyproject.toml -r src

# A known vulnerability in a locked dependency fails the build (see scripts/audit_dependencies.py).
audit: install
	$(UV) export --frozen --no-dev --no-hashes --no-emit-project --format requirements-txt > $(VENV)/audit-requirements.txt
	$(BIN)/python scripts/audit_dependencies.py $(VENV)/audit-requirements.txt

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
