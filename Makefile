# School Portal — the commands a newcomer needs. `make` alone prints this help.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show these commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools  # the venv's own setuptools 65 has PYSEC-2022-43012
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

.PHONY: install
install: $(STAMP) ## Create .venv and install the project with its test tools

# Uploads are scanned by Debian's clamav-daemon when it runs here (its socket exists) or
# CLAMD_SOCKET / CLAMD_HOST say where clamd is; otherwise they are marked "not scanned".
CLAMD_DEBIAN := $(firstword $(wildcard /run/clamav/clamd.ctl /var/run/clamav/clamd.ctl))

.PHONY: run
run: $(STAMP) assets ## Start the portal on http://127.0.0.1:5000 with demo data (SQLite)
	PORTAL_ENV=development $(VENV)/bin/portal db upgrade
	PORTAL_ENV=development $(VENV)/bin/portal demo-data
	PORTAL_ENV=development CLAMD_SOCKET="$${CLAMD_SOCKET:-$(if $(CLAMD_HOST),,$(CLAMD_DEBIAN))}" \
		$(VENV)/bin/portal run

.PHONY: test
test: $(STAMP) assets ## Run the whole test suite
	$(PY) -m pytest $(PYTEST_ARGS)

.PHONY: validate
validate: $(STAMP) ## Validate the council's case types in casetypes/
	$(VENV)/bin/portal validate casetypes

.PHONY: docs
docs: $(STAMP) ## Write the case types' documentation site into build/docs (no database needed)
	$(VENV)/bin/portal docs casetypes --out build/docs

.PHONY: journeys
journeys: $(STAMP) ## Run the case types' journey tests, failing on anything no journey visits
	$(VENV)/bin/portal test --coverage --strict casetypes

.PHONY: preview
preview: $(STAMP) assets ## Preview the case types as schools see them on http://127.0.0.1:5001 (no database)
	$(VENV)/bin/portal preview casetypes

.PHONY: lint
lint: $(STAMP) audit ## Check style and security rules with ruff, and audit the dependencies
	$(VENV)/bin/ruff check engine webapp tests bench scripts
	$(VENV)/bin/ruff format --check engine webapp tests bench scripts

.PHONY: audit
audit: $(STAMP) ## Known vulnerabilities of the installed dependencies (pip-audit)
	$(PY) scripts/audit_dependencies.py

.PHONY: bench
bench: $(STAMP) ## The benchmarks' table, portal vs baselines (FULL=1: 1M cases, longer)
	FULL=$(FULL) KEEP=$(KEEP) $(PY) bench/run.py

.PHONY: bench-validation
bench-validation: $(STAMP) ## Validation, docs, journeys and preview alone: cold and warm, growth with the YAML
	$(PY) bench/validate_casetypes.py
	$(PY) bench/validation_growth.py
	$(PY) bench/docs_site.py
	$(PY) bench/journeys.py
	$(PY) bench/preview_requests.py

.PHONY: scale-out
scale-out: $(STAMP) ## Two instances, two mail workers, a SIGKILL, a PostgreSQL restart, SMTP down (~4 min)
	$(PY) bench/scale_out.py $(SCALE_OUT_ARGS)

.PHONY: assets
assets: ## Build the front-end assets
	bash scripts/build-assets.sh
