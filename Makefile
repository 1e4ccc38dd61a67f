# Linli: `make run` sets up and starts the app with a demo community; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 0.0.0.0
export FLASK_APP := wsgi

.PHONY: run test venv test-deps system-test-deps system-bench-deps bench db demo run-prod worker lint clean docs

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the requirements change.
$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt requirements-docs.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

venv: $(VENV)/.installed

db: venv
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask seed-demo

## make run: virtualenv, requirements, migrations, demo data on a new database, gunicorn on $(PORT).
run: demo
	@echo ""
	@echo "  邻里 Linli is running: http://localhost:$(PORT)/  (on your phone: http://<this machine's IP>:$(PORT)/)"
	@echo "  Demo accounts, password demo-pass-2026:"
	@echo "    committee@demo.linli  grid@demo.linli  resident@demo.linli  newcomer@demo.linli  org@demo.linli"
	@echo ""
	WEB_CONCURRENCY=$${WEB_CONCURRENCY:-2} $(BIN)/gunicorn -c gunicorn.conf.py --bind $(HOST):$(PORT) wsgi:app

## make run-prod: migrations, then gunicorn (gunicorn.conf.py); with REDIS_URL also one `rq worker
## --with-scheduler` and the deployment's one `flask scheduler`, supervised by scripts/run-prod.
run-prod: venv
	BIN=$(BIN) scripts/run-prod

## Debian packages the tests need, installed when missing: headless Chromium for the PWA tests,
## PostgreSQL and Redis servers for the integration run.
system-test-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	fc-list 2>/dev/null | grep -qi "noto sans cjk" || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

## Debian packages the benchmark needs besides the tests': wrk, the HTTP load generator.
system-bench-deps: system-test-deps
	@command -v wrk >/dev/null || { \
	  echo "installing Debian packages: wrk"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }

$(VENV)/.installed-bench: bench/requirements.txt $(VENV)/.installed-test
	$(BIN)/pip install --quiet -r bench/requirements.txt
	touch $@

## make bench: Linli against a bare Flask baseline with wrk (bench/wrk_bench.py; SQLite demo, ~15 minutes):
## prints one table, keeps the JSON and profiles in bench/output/, rewrites the latest section of
## docs/benchmarks.md. `make bench DB=postgres SCALE=0.01`: a throw-away PostgreSQL with the district data.
## BENCH_ARGS passes options, e.g. BENCH_ARGS="--quick" for a 3-5 minute check that it all runs, or
## BENCH_ARGS="--worker-class sync --workers 5" to measure other gunicorn settings (both servers get them).
DB ?= sqlite
SCALE ?= 0.01
bench: test-deps system-bench-deps $(VENV)/.installed-bench
ifeq ($(DB),postgres)
	scripts/test-services $(BIN)/python bench/wrk_bench.py --db postgres --scale $(SCALE) $(BENCH_ARGS)
else
	$(BIN)/python bench/wrk_bench.py $(BENCH_ARGS)
endif

test-deps: $(VENV)/.installed-test system-test-deps
	[ tests/audit/node_modules/.package-lock.json -nt tests/audit/package-lock.json ] || npm ci --prefix tests/audit --no-audit --no-fund

## make test: install what the tests need, lint (make lint), build the docs (make docs), and run the whole
## suite: on SQLite (with the browser tests), then again on a throw-away PostgreSQL + Redis started for the run.
test: test-deps
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory docs
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	scripts/test-services $(BIN)/python -m pytest -m "not e2e" $(PYTEST_ARGS)

## make lint: ruff's checks and its formatting (settings in pyproject.toml); `ruff format $(PY_SOURCES)` fixes the latter.
PY_SOURCES := backend tests bench migrations config.py wsgi.py gunicorn.conf.py
lint: $(VENV)/.installed-test
	$(BIN)/ruff check $(PY_SOURCES)
	$(BIN)/ruff format --check $(PY_SOURCES)

## make docs: the documentation site in site/ (gitignored), built with --strict: MkDocs checks every link
## and anchor inside docs/, scripts/check-readme-links checks README.md's relative links. Takes seconds.
$(VENV)/.installed-docs: requirements-docs.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-docs.txt
	touch $@

docs: $(VENV)/.installed-docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet
	$(BIN)/python scripts/check-readme-links

clean:
	rm -rf $(VENV) .pytest_cache tests/e2e/output site
