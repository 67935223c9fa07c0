"""Airflow's components that fork a process per unit of work, started with the product's modules already
imported: `python -m include.airflow_adapter.preloaded <airflow command> [options]`.

The dag-processor forks a parsing process per DAG file, the scheduler's LocalExecutor workers (and Celery's)
fork a process per task, and each of those parses the integration's shard again. Whatever the parent has
imported, each fork inherits; whatever it has not, each fork imports again — for our shards that is the
factory, the partner catalog and the connectors. Airflow pre-imports only the `airflow.*` modules a DAG file
names (`[dag_processor] parsing_pre_import_modules`), so the shards' one import is done here, before the CLI
runs:

    python -m include.airflow_adapter.preloaded dag-processor
    python -m include.airflow_adapter.preloaded scheduler --skip-serve-logs
    python -m include.airflow_adapter.preloaded celery worker --concurrency 4

Importing the factory opens nothing (no connection, no thread): the forks share no state with the parent.
Code changes under `include/` reach the forks when the component restarts, as they reach the scheduler and
the workers anyway.
"""

from __future__ import annotations

import sys

# Inherited by every fork: the factory, and the DAGs' callables (the factory imports them per DAG file).
import include.airflow_adapter.dag_factory
import include.airflow_adapter.run_steps  # noqa: F401


def main() -> None:
    from airflow.__main__ import main as airflow_main

    sys.argv = ["airflow", *sys.argv[1:]]
    airflow_main()


if __name__ == "__main__":
    main()
