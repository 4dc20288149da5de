# Every target sets up .venv itself when missing (Python 3.11+).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out/sample

.PHONY: demo test test-e2e bench models sample lint readme clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# (setuptools' notice about editable installs is not a problem: keep the install quiet)
	PYTHONWARNINGS=ignore::UserWarning $(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/feedbackml analyze data/sample_feedback.csv --segment channel --date submitted_at --out $(OUT)
	@echo "Report: $(OUT)/report.html"

test: $(STAMP)
	$(BIN)/python -m pytest

# Browser test of the report: Debian's chromium (installed when missing), driven by Playwright;
# the accessibility audit's axe-core comes from the npm registry, pinned, into .venv/e2e.
E2E_STAMP := $(VENV)/.installed-e2e
CHROMIUM  ?= /usr/bin/chromium
AXE_CORE_VERSION := 4.14.1

$(E2E_STAMP): $(STAMP)
	PYTHONWARNINGS=ignore::UserWarning $(BIN)/python -m pip install --quiet -e '.[dev,e2e]'
	mkdir -p $(VENV)/e2e
	npm install --silent --no-audit --no-fund --no-save --prefix $(VENV)/e2e axe-core@$(AXE_CORE_VERSION)
	touch $(E2E_STAMP)

test-e2e: $(E2E_STAMP)
	test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest tests/e2e

# Defaults finish in a few minutes; the README's scale table comes from
#   make bench BENCH_SIZES=100000,1000000 BENCH_STREAM_SIZES=1000000,10000000 BENCH_FLAGS="--n-jobs 2 --dask"
BENCH_SIZES        ?= 100000
BENCH_STREAM_SIZES ?= 100000
BENCH_FLAGS        ?=
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_analyze.py
	$(BIN)/python benchmarks/bench_scale.py --sizes $(BENCH_SIZES) --stream-sizes $(BENCH_STREAM_SIZES) $(BENCH_FLAGS)

lint: $(STAMP)
	$(BIN)/ruff check .

# README's sample figures and docs/report.png, from what `make demo` wrote
readme: demo
	$(BIN)/python scripts/update_readme.py $(OUT)

sample:
	$(PYTHON) data/make_sample.py

models: $(STAMP)
	$(BIN)/feedbackml fit data/sample_feedback.csv --model models/sample-en

clean:
	rm -rf $(VENV) out build *.egg-info
