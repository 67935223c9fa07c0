"""`airflow dag-processor`, started with the DAG factory already imported.

The dag-processor forks one short-lived parsing process per DAG file. Whatever the parent has imported, each
fork inherits; whatever it has not, each fork imports again — for our shards that is the factory, the partner
catalog and the connectors (≈0.4 s of CPU per parse, 16 times on every restart and every periodic re-parse,
once more on every save). Airflow pre-imports only the `airflow.*` modules a DAG file names
(`[dag_processor] parsing_pre_import_modules`), so the shards' one import is done here, before the CLI runs.

Importing the factory opens nothing (no connection, no thread): the forks share no state with the parent.
Code changes under `include/` reach the parsing processes when the dag-processor restarts, as they reach the
scheduler and the workers.

    python -m include.integracoes.dag_processor [airflow dag-processor options]
"""

from __future__ import annotations

import sys

import include.integracoes.dag_factory  # noqa: F401  (inherited by every parsing process)


def main() -> None:
    from airflow.__main__ import main as airflow_main

    sys.argv = ["airflow", "dag-processor", *sys.argv[1:]]
    airflow_main()


if __name__ == "__main__":
    main()
