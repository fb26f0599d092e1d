# hashchat: `make run` sets everything up and starts the server with the demo chat;
# `make test` sets everything up and runs the whole test suite.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run serve test test-unit test-browser lint format clean

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/hashchat serve --with-demo

serve: $(STAMP)
	$(BIN)/hashchat serve

# The unit and end-to-end suite, then the browser tests in their own run (no shared event loop).
test: test-unit test-browser

test-unit: $(STAMP)
	$(BIN)/pytest -q

test-browser: $(STAMP)
	$(BIN)/python -m tests.browser.ensure_chromium
	$(BIN)/pytest -q -p no:asyncio tests/browser

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/hashchat manage makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
