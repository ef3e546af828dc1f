# unjobs-scraper: `make crawl` on a fresh machine, `make demo` offline, `make test` for CI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup browser services crawl demo dashboard test test-fast screenshot lint bench clean

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

setup: $(STAMP)

# Chromium for Cloudflare challenges: the one a crawl would find (CHROMIUM_PATH, a system one,
# Playwright's download), else Debian's package when root with apt-get, else Playwright's download.
browser: setup
	@$(BIN)/python -m unjobs_scraper.cloudflare.launch >/dev/null 2>&1 \
	|| if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	else \
		$(BIN)/playwright install chromium; \
	fi
	@$(BIN)/python -m unjobs_scraper.cloudflare.launch

services:
	scripts/ensure-services.sh

crawl: setup browser
	$(BIN)/scrapy crawl unjobs

demo: setup browser
	$(BIN)/python -m scripts.demo

dashboard: setup
	$(BIN)/scrapy dashboard

# Two workers (pytest-xdist): the crawl tests wait on subprocesses and the replica more than they
# compute. Tests marked `alone` (a PostgreSQL restart, a pace timed to the millisecond or counted
# per second) run by themselves.
TEST_WORKERS ?= 2
PARALLEL := -n $(TEST_WORKERS) --dist worksteal

test: setup browser services
	$(BIN)/python -m pytest $(PARALLEL)

# The in-process tests only: no `scrapy crawl` subprocess (pytest marker `crawl`).
test-fast: setup browser services
	$(BIN)/python -m pytest $(PARALLEL) -m "not crawl"

# The picture of the dashboard in docs/operations.md, from the chart test over a crawled replica.
screenshot: setup browser services
	DASHBOARD_SCREENSHOT=$(CURDIR)/docs/dashboard.png $(BIN)/python -m pytest -q tests/test_dashboard.py -k screenshot

lint: setup
	$(BIN)/ruff check --select F,I,UP,E9 .

bench: setup browser services
	$(BIN)/python -m bench.crawl_throughput
	$(BIN)/python -m bench.cloudflare
	$(BIN)/python -m bench.dashboard
	$(BIN)/python -m bench.distributed
	$(BIN)/python -m bench.backfill
	$(BIN)/python -m bench.outage
	$(BIN)/python -m bench.database_latency
	$(BIN)/python -m bench.sitegate
	$(BIN)/python -m bench.jobads

clean:
	rm -rf $(VENV) .pytest_cache demo.sqlite3
