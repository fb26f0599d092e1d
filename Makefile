# hashchat: `make run` sets everything up and starts the server with the demo chat;
# `make test` sets everything up and runs the whole test suite.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run serve test test-unit test-browser test-deploy test-federation lint format clean

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

# hashchat behind nginx with TLS (deploy/nginx/hashchat.conf, docs/operations.md). As
# root: Debian's nginx is installed when missing, binds 443 on 127.0.0.20-21, and the
# test's names go into /etc/hosts (removed after). REDIS_URL picks the Redis it uses.
test-deploy: $(STAMP)
	@command -v nginx >/dev/null || { apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light; }
	$(BIN)/pytest -q tests/deploy

# The federation journeys (tests/federation/journeys, not part of `make test`): two hashchat
# servers and Takahē under their own names (/etc/hosts) with TLS from a local CA (nginx), all on
# loopback. Needs root, PostgreSQL (Takahē) and ../shared/peers/takahe; the first run installs
# Takahē (minutes). The lab comes down afterwards, also when a test fails or the run is killed.
test-federation: $(STAMP)
	@status=0; timeout --signal=TERM --kill-after=30 1800 \
	  $(BIN)/python -m pytest -q -p no:cacheprovider tests/federation/journeys || status=$$?; \
	  flock -n /tmp/hashchat-fedlab.lock deploy/fedlab/fedlab.sh down || true; exit $$status

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
