# Integrações — developer commands. `make demo` starts everything; `make test` runs every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
UV_VERSION := 0.13.9

.PHONY: demo stop status install compile test test-fast test-distributed test-soak test-containers lint format bench-list bench-dags bench-runs bench-dag-processor bench-export bench-overview bench-change-capture

# The virtualenv is (re)synced whenever a lock file changes; uv makes a no-op sync take milliseconds. Its modules
# are compiled to bytecode once: with PYTHONDONTWRITEBYTECODE set (these machines set it) nothing else would
# ever cache them, and every Airflow task process would compile Airflow, psycopg and the connectors again
# (measured: 0.83 s of CPU per task without, 0.35 s with).
$(VENV)/.synced: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip sync -q --compile-bytecode --python $(PY) requirements.txt requirements-dev.txt
	@touch $@

# The product's own modules, compiled again as they change (a fraction of a second when nothing did).
compile: $(VENV)/.synced
	@$(PY) -m compileall -q -j 0 include plugins dags sandbox scripts tests

install: $(VENV)/.synced compile

demo: install
	$(PY) -m scripts.stack start

stop: install
	$(PY) -m scripts.stack stop

status: install
	@$(PY) -m scripts.stack status

test: install
	bash scripts/test.sh

# The inner loop: static checks and every test that needs no stack (a few minutes).
test-fast: install
	bash scripts/test.sh --fast

# The distributed topology (Celery workers, Redis, PostgreSQL, S3) end to end, on a stack of its own.
test-distributed: install
	$(VENV)/bin/pytest -m distributed tests/integration/test_distributed_e2e.py

# docker-compose.yaml in real containers (podman): images built on this machine, the deployment driven over its
# published port. Installs podman and debootstrap when they are missing.
test-containers: install
	bash scripts/needs.sh podman podman runc debootstrap aardvark-dns
	$(VENV)/bin/pytest -s -m containers tests/containers

# INTEGRACOES_SOAK_MINUTES (default 15) sets its length.
test-soak: install
	bash scripts/needs.sh /usr/bin/chromium chromium
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(VENV)/bin/pytest -s -m soak tests/integration/test_soak_e2e.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Benchmarks print numbers next to their targets; each starts its own scratch stack.
bench-list: install
	$(PY) -m tests.bench.bench_list_integrations

bench-dags: install
	$(PY) -m tests.bench.bench_dag_parse

bench-runs: install
	$(PY) -m tests.bench.bench_manual_runs

bench-dag-processor: install
	$(PY) -m tests.bench.bench_dag_processor

bench-export: install
	$(PY) -m tests.bench.bench_export

bench-overview: install
	$(PY) -m tests.bench.bench_overview

bench-change-capture: install
	$(PY) -m tests.bench.bench_change_capture
