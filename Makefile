# unjobs-scraper: `make crawl` on a fresh machine, `make demo` offline, `make test` for CI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup services crawl demo test bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

services:
	scripts/ensure-services.sh

crawl: setup
	$(BIN)/scrapy crawl unjobs

demo: setup
	$(BIN)/python -m scripts.demo

test: setup services
	$(BIN)/python -m pytest

bench: setup services
	$(BIN)/python -m bench.crawl_throughput

clean:
	rm -rf $(VENV) .pytest_cache demo.sqlite3
