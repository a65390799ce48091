# hamstring-evidence: `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help install report test test-fast bench notebooks data fixtures validate clean

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP) ## Create .venv (if missing) and install the project with its pinned dependencies

report: $(STAMP) ## Regenerate every HTML report into reports/ (index + one page per claim)
	$(BIN)/hamstring-evidence report --out reports --progress --jobs -1

test: $(STAMP) ## Run the whole test suite (unit, statistics vs R, CLI, reports, notebooks), one worker per core
	$(BIN)/python -m pytest -n auto --dist loadgroup

test-fast: $(STAMP) ## Run everything but the slow end-to-end cases (pytest -m "not slow"), one worker per core
	$(BIN)/python -m pytest -n auto --dist loadgroup -m "not slow"

notebooks: $(STAMP) ## Run every notebook headless and export offline HTML (code hidden) into build/notebooks/
	$(BIN)/hamstring-evidence notebooks --out build/notebooks

bench: $(STAMP) ## Run the benchmarks (each against its peers in the same run, and this machine's limit)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev,bench]"
	$(BIN)/python benchmarks/run_all.py

data: $(STAMP) ## Regenerate the example synthetic datasets under data/generated/ (built aside, swapped in; only what it wrote is replaced)
	$(BIN)/hamstring-evidence data build --all

validate: $(STAMP) ## Validate the reconstruction method on real datasets whose answer is known (issue #34; a few minutes)
	$(BIN)/hamstring-evidence validate

fixtures: ## Regenerate the R reference fixtures (needs R 4.2; see tests/fixtures/r/README.md)
	@for f in tests/fixtures/r/*.R; do echo "Rscript $$f"; Rscript $$f || exit 1; done

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .hypothesis
