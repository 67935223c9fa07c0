"""Benchmark: DAG generation (parse) + serialization, our sharded factory vs dag-factory (YAML), same run.

For each size, our factory reads the registry from PostgreSQL (one query per shard, the snapshot
written as in production) and builds the DAGs; dag-factory loads a YAML file describing the same DAGs
(3 PythonOperators, pool, retries with backoff, tags, schedule). Both are then serialized the way the
dag-processor does. Target: ours <= 0.5x dag-factory's time.

    .venv/bin/python -m tests.bench.bench_dag_parse [--sizes 1000 5000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import psycopg

from scripts import embedded_db

TARGET_RATIO = 0.5
STEPS_FILE = Path(__file__).resolve().parents[2] / "include" / "integracoes" / "run_steps.py"
STEPS = "include.airflow_adapter.run_steps"  # imported by name, once, as our DAG files do


def _seed(url: str, count: int) -> None:
    from include.integracoes import catalog, migrations

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS integracao, erp CASCADE; DROP TABLE IF EXISTS public.schema_migrations")
        migrations.migrate(conn)
        catalog.sync_catalog(conn)
        conn.execute("INSERT INTO integracao.tenant (nome, cnpj) VALUES ('Bench', '11222333000181')")
        catalog.contract_all_types(conn, 1)
        conn.execute(
            """INSERT INTO integracao.integracao (tenant_id, tipo_codigo, descricao, ativa, intervalo_minutos,
                   criada_por, atualizada_por)
               SELECT 1, 'smarket', 'Integração ' || n, true, 60, 'bench', 'bench' FROM generate_series(1, %s) n""",
            (count,),
        )


def _yaml(
    path: Path, ids: Iterable[int], *, intervals: dict[int, int] | None = None, paused: dict[int, bool] | None = None
) -> None:
    """dag-factory's description of the same DAGs as ours (one per integration id; interval minutes, paused)."""
    with path.open("w") as out:
        for n in ids:
            minutes = (intervals or {}).get(n, 60)
            out.write(f"""integracao_{n}_smarket:
  default_args: {{owner: integracoes, retries: 3, retry_delay_sec: 30, retry_exponential_backoff: 2.0,
                 start_date: 2026-01-01, execution_timeout_secs: 7200}}
  schedule: {{__type__: datetime.timedelta, minutes: {minutes}}}
  catchup: false
  max_active_runs: 1
  is_paused_upon_creation: {"true" if (paused or {}).get(n, False) else "false"}
  tags: ["cliente:1", "tipo:smarket", "integracoes"]
  doc_md: "### Integração {n}"
  tasks:
    - {{task_id: preparar, operator: airflow.providers.standard.operators.python.PythonOperator,
        python_callable: {STEPS}.prepare, op_kwargs: {{integration_id: {n}}}}}
    - {{task_id: extrair_e_gerar_arquivo, operator: airflow.providers.standard.operators.python.PythonOperator,
        python_callable: {STEPS}.produce_files, op_kwargs: {{integration_id: {n}}},
        dependencies: [preparar]}}
    - {{task_id: entregar, operator: airflow.providers.standard.operators.python.PythonOperator,
        python_callable: {STEPS}.deliver, op_kwargs: {{integration_id: {n}}},
        pool: parceiro_smarket, dependencies: [extrair_e_gerar_arquivo]}}
""")


def _timed(build: Callable[[], dict[str, Any]]) -> tuple[float, float, int]:
    from airflow.serialization.serialized_objects import DagSerialization

    started = time.perf_counter()
    dags = build()
    parsed = time.perf_counter()
    for dag in dags.values():
        DagSerialization.to_dict(dag)
    return parsed - started, time.perf_counter() - parsed, len(dags)


def ours() -> dict[str, Any]:
    from include.airflow_adapter import dag_factory
    from include.integracoes import registry

    dags: dict[str, Any] = {}
    for shard in range(registry.SHARDS):
        dags.update(dag_factory.dags_of_shard(shard))
    return dags


def theirs(config: Path) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        from dagfactory.dagfactory import _DagFactory

        return dict(_DagFactory(config_filepath=str(config)).build_dags())

    return build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-dags-"))
    # Airflow reads the repository's configuration, with a scratch home (never ~/airflow).
    os.environ.setdefault("AIRFLOW_CONFIG", str(STEPS_FILE.parents[2] / "config" / "airflow.cfg"))
    os.environ.setdefault("AIRFLOW_HOME", str(work / "airflow"))
    socket_dir = embedded_db.start(work / "pg")
    embedded_db.ensure_database(socket_dir, "bench")
    url = embedded_db.libpq_url(socket_dir, "bench")
    os.environ.update({"INTEGRACOES_DATABASE_URL": url, "INTEGRACOES_DATA": str(work), "INTEGRACOES_DAGS_STRICT": "1"})
    try:
        _seed(url, 10)  # warm-up: imports and first connections for both sides
        _yaml(work / "warm.yml", range(1, 11))
        _timed(ours)
        _timed(theirs(work / "warm.yml"))
        header = f"{'DAGs':>6} | {'ours parse':>10} {'serialize':>9} {'total':>7} | "
        header += f"{'dag-factory parse':>17} {'serialize':>9} {'total':>7} | ratio (target <= {TARGET_RATIO})"
        print(header)
        for size in args.sizes:
            _seed(url, size)
            config = work / f"dags_{size}.yml"
            _yaml(config, range(1, size + 1))
            o_parse, o_ser, o_count = _timed(ours)
            t_parse, t_ser, t_count = _timed(theirs(config))
            assert o_count == t_count == size, (o_count, t_count)
            ratio = (o_parse + o_ser) / (t_parse + t_ser)
            print(
                f"{size:>6} | {o_parse:>9.1f}s {o_ser:>8.1f}s {o_parse + o_ser:>6.1f}s | "
                f"{t_parse:>16.1f}s {t_ser:>8.1f}s {t_parse + t_ser:>6.1f}s | {ratio:.2f}x "
                f"{'OK' if ratio <= TARGET_RATIO else 'MISS'}"
            )
    finally:
        embedded_db.stop(work / "pg")


if __name__ == "__main__":
    main()
