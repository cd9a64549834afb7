# dankheo — `make run` serves the demo, `make test` runs the whole suite. `make help` lists all.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app dankheo
PORT ?= 5000
# Debian packages WeasyPrint needs at run time, and the PDF/QR tools the tests read PDFs with;
# softhsm2: the PKCS#11 token the signing tests start in a temporary directory (issue 15).
RUN_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
TEST_DEBS := poppler-utils zbar-tools softhsm2
# The browser tests: Debian's Chromium (Playwright drives it; no downloaded browser).
# Java (for the vnu HTML checker) and npm are installed only when missing (see test-e2e).
E2E_DEBS := chromium fonts-dejavu-core
# `make documents`: LibreOffice (no GUI) converts the DOCX copies to PDF to look at them.
DOC_DEBS := libreoffice-writer-nogui fonts-liberation
# The PostgreSQL server `make test-postgres` starts a throw-away cluster of.
PG_DEBS := postgresql postgresql-contrib
# The scale-out rehearsal's other hosts: Redis (queue, shared cache, rate limits) and nginx.
SCALEOUT_DEBS := redis-server nginx

.PHONY: documents help run serve test test-postgres test-e2e test-load test-scaleout sysdeps-e2e lint format install install-dev sysdeps sysdeps-test worker clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,postgres]'
	touch $@

install: sysdeps $(VENV)/.installed ## Create .venv and install the app with its dev extras

install-dev: install sysdeps-test

sysdeps: ## Install (as root) or name the Debian packages WeasyPrint needs
	@$(call ensure_debs,$(RUN_DEBS))

sysdeps-test:
	@$(call ensure_debs,$(TEST_DEBS))

define ensure_debs
	if command -v dpkg >/dev/null 2>&1; then \
	  missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then \
	      echo "Installing Debian packages:$$missing"; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	    else echo "Missing Debian packages:$$missing — run: sudo apt-get install$$missing"; exit 1; fi; \
	  fi; \
	else echo "Not a Debian system: make sure Pango (for WeasyPrint) is installed."; fi
endef

# The demo signs certificates with a self-signed key that seed-demo creates in instance/.
run worker: export DANKHEO_SIGNING_PKCS12_PATH ?= $(CURDIR)/instance/demo-signing.p12
run worker: export DANKHEO_SIGNING_PKCS12_PASSPHRASE ?= dankheo-demo
# Demo signers sign with their own self-signed keys, opened with this passphrase (issue 15).
run worker: export DANKHEO_SIGNING_SECRETS ?= {"demo-signers": "dankheo-demo"}
run: install ## Set up .venv, migrate, load the demo and serve on 127.0.0.1:$(PORT)
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "Serving on http://127.0.0.1:$(PORT) — sign in as admin / dankheo-demo"
	@$(FLASK) certificates worker --workers 1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(FLASK) run --host 127.0.0.1 --port $(PORT)

worker: install ## Run the certificate worker (huey consumer) on its own
	$(FLASK) certificates worker

test: install-dev ## Install the dev extras, run ruff, the import contract and the whole test suite
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/pytest -q $(PYTEST_ARGS)

test-postgres: install-dev ## Run the whole test suite on a throw-away PostgreSQL cluster
	@$(call ensure_debs,$(PG_DEBS))
	scripts/with-postgres.sh $(VENV)/bin/pytest -q $(PYTEST_ARGS)

documents: install-dev ## Render every official document (PDF, DOCX, PNG pages) into test-artifacts/documents/
	@$(call ensure_debs,$(DOC_DEBS))
	rm -rf test-artifacts/documents
	DANKHEO_DOCUMENT_PNGS=1 $(VENV)/bin/pytest -q -p no:cacheprovider tests/documents $(PYTEST_ARGS)
	@echo "Look at test-artifacts/documents/*.png"

# --- browser journeys, accessibility, HTML validation, bounded load (tests/e2e, bench/load.py)

sysdeps-e2e: ## Install (as root) Chromium, and Java and npm when missing
	@$(call ensure_debs,$(E2E_DEBS))
	@command -v java >/dev/null 2>&1 || $(call ensure_debs,default-jre-headless)
	@command -v npm >/dev/null 2>&1 || $(call ensure_debs,nodejs npm)

$(VENV)/.installed-e2e: $(VENV)/.installed setup.cfg
	$(PY) -m pip install -q -e '.[dev,postgres,serve,e2e]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

test-e2e: install-dev sysdeps-e2e $(VENV)/.installed-e2e node_modules/.installed ## Browser journeys in Chromium with axe-core and vnu; screenshots in test-artifacts/
	DANKHEO_E2E=1 $(VENV)/bin/pytest -q -p no:cacheprovider tests/e2e $(PYTEST_ARGS)

test-load: install-dev $(VENV)/.installed-e2e ## Bounded load (loopback, 50 users, 60 s) against gunicorn; zero 5xx
	$(PY) bench/load.py --users 50 --duration 60

test-scaleout: install-dev $(VENV)/.installed-serve ## PostgreSQL, Redis, nginx, 2 app instances, 2 workers; kill one of each mid-load
	@$(call ensure_debs,$(PG_DEBS) $(SCALEOUT_DEBS))
	scripts/with-postgres.sh $(PY) bench/scaleout.py --users 30 --duration 45

$(VENV)/.installed-serve: $(VENV)/.installed setup.cfg
	$(PY) -m pip install -q -e '.[postgres,serve]'
	touch $@

serve: install $(VENV)/.installed-serve ## Production: gunicorn + certificate workers (docs/operations.md)
	scripts/serve.sh

lint: install ## ruff check, format check and the import contract (layers, in setup.cfg)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean: ## Remove .venv and caches (keeps instance/ data)
	rm -rf $(VENV) .pytest_cache .ruff_cache
